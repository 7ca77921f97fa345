// Show the questions that only apply to some answers (e.g. the gaps, when prompting fell short).
// Without JavaScript every question stays visible and the server ignores the ones that don't apply.
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  if (!form) { return; }
  var conditional = form.querySelectorAll("[data-show-when]");
  function update() {
    conditional.forEach(function (block) {
      var rule = block.getAttribute("data-show-when").split("=");
      var checked = form.querySelector('input[name="' + rule[0] + '"]:checked');
      block.hidden = !(checked && checked.value === rule[1]);
    });
  }
  form.addEventListener("change", update);
  update();
})();
