// Logging screen: keyboard shortcuts and small helpers around htmx (no inline handlers: CSP).
(function () {
  "use strict";
  function form() { return document.getElementById("logging-form"); }

  // Enter in the search box adds the first result instead of submitting the form.
  document.addEventListener("keydown", function (event) {
    if (event.target.id === "recherche-demarche" && event.key === "Enter") {
      event.preventDefault();
      var first = document.querySelector("#resultats [data-resultat]");
      if (first) { first.click(); }
    }
  });

  document.addEventListener("click", function (event) {
    var removeStep = event.target.closest("[data-action='retirer-etape']");
    if (removeStep) {
      var step = removeStep.closest(".etape");
      var list = step.parentElement;
      step.remove();
      var next = list.querySelector("input.btn-check:checked, input.btn-check");
      if (next) { next.focus(); }
      return;
    }
    var removeBlock = event.target.closest("[data-action='retirer-bloc']");
    if (removeBlock) {
      removeBlock.closest("[data-bloc]").remove();
      var search = document.getElementById("recherche-demarche");
      if (search) { search.focus(); }
    }
  });

  // After a démarche block is added: clear the search, focus the new block's title.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "demarches") {
      var blocks = event.target.querySelectorAll("[data-bloc]");
      var last = blocks[blocks.length - 1];
      var search = document.getElementById("recherche-demarche");
      if (search && search.value) { search.value = ""; if (window.htmx) { window.htmx.trigger(search, "search"); } }
      if (last) {
        var title = last.querySelector("h3");
        if (title) { title.focus(); }
      }
    }
  });

  // Running timer from the queue: shows the elapsed time and pre-fills « Autre » minutes until the
  // mediator picks a duration herself.
  function startTimer() {
    var box = document.querySelector("[data-timer-start]");
    if (!box) { return; }
    var start = new Date(box.getAttribute("data-timer-start"));
    if (isNaN(start.getTime())) { return; }
    var label = box.querySelector("[data-chrono]");
    var touched = false;
    box.addEventListener("change", function () { touched = true; });
    function tick() {
      var minutes = Math.max(1, Math.ceil((Date.now() - start.getTime()) / 60000));
      if (label) { label.hidden = false; label.textContent = "Chrono : " + minutes + " min"; }
      if (!touched && !box.querySelector("input[type=radio]:checked")) {
        var other = box.querySelector("input.duree-minutes");
        if (other) { other.value = Math.min(minutes, 600); }
      }
    }
    tick();
    window.setInterval(tick, 30000);
  }
  document.addEventListener("DOMContentLoaded", startTimer);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === form()) { startTimer(); }
  });
})();
