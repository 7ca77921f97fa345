// While a worker makes a finalising version's documents, ask the server where they are and
// reload the page once they are ready (or could not be made), so it shows the downloads (or
// the Retry button). Without JavaScript the page says to reload it.
(function () {
  "use strict";
  var section = document.getElementById("report-documents");
  if (!section || !window.fetch) { return; }
  var url = section.getAttribute("data-status-url");
  var state = section.getAttribute("data-state");
  var label = section.querySelector("[data-status-label]");
  var delay = 1000;
  var MAX_DELAY = 10000;
  if (state === "ready" || state === "failed") { return; }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        if (status.state === "ready" || status.state === "failed") {
          window.location.reload();
          return;
        }
        if (status.state !== state) {
          state = status.state;
          if (label) { label.textContent = status.label; }
          delay = 1000;
        }
        schedule();
      })
      .catch(schedule);
  }
  function schedule() {
    window.setTimeout(poll, delay);
    delay = Math.min(Math.round(delay * 1.5), MAX_DELAY);
  }
  schedule();
})();
