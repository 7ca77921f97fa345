// Show the questions that only apply to some answers (e.g. the gaps, when prompting fell short),
// and keep the unit beside the shortfall's values in step with the metric chosen.
// Without JavaScript every question stays visible and the server ignores the ones that don't apply.
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  if (!form) { return; }
  var conditional = form.querySelectorAll("[data-show-when]");
  var units = form.querySelectorAll("[data-unit-of]");
  function chosen(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }
  function update() {
    conditional.forEach(function (block) {
      var rule = block.getAttribute("data-show-when").split("=");
      block.hidden = rule[1].split(",").indexOf(chosen(rule[0])) === -1;
    });
    units.forEach(function (unit) {
      var words = JSON.parse(unit.getAttribute("data-unit-words"));
      unit.textContent = words[chosen(unit.getAttribute("data-unit-of"))] || words[""];
    });
  }
  form.addEventListener("change", update);
  update();
})();
