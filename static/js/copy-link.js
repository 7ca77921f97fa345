// A "Copy" button beside each share link field. Without JavaScript the buttons stay hidden and
// the read-only field can still be selected and copied by hand.
(function () {
  "use strict";
  function copied(button, text) {
    var label = button.querySelector("[data-copy-label]") || button;
    var before = label.textContent;
    label.textContent = text;
    window.setTimeout(function () { label.textContent = before; }, 2000);
  }
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { copied(button, "Copied"); },
          function () { copied(button, "Press Ctrl+C to copy"); }
        );
      } else {
        // Plain http (a local server): the older command still copies the selection.
        copied(button, document.execCommand("copy") ? "Copied" : "Press Ctrl+C to copy");
      }
    });
  });
  document.querySelectorAll(".share-url").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
