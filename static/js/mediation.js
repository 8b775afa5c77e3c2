// Logging screen: keyboard shortcuts and small helpers around htmx (no inline handlers: CSP).
(function () {
  "use strict";
  function form() { return document.getElementById("logging-form"); }

  // Enter in the search box adds the first result for what is typed now (not a stale list still
  // waiting for its debounce) instead of submitting the form.
  document.addEventListener("keydown", function (event) {
    var search = event.target;
    if (search.id !== "recherche-demarche" || event.key !== "Enter") { return; }
    event.preventDefault();
    if (!window.htmx) { return; }
    var url = search.getAttribute("hx-get") + "?q=" + encodeURIComponent(search.value);
    window.htmx.ajax("GET", url, { target: "#resultats", swap: "innerHTML" }).then(function () {
      var first = document.querySelector("#resultats [data-resultat]");
      if (first) {
        window.htmx.ajax("GET", first.getAttribute("hx-get"), { target: "#demarches", swap: "beforeend" });
      }
    });
  });

  // Démarche blocks and added steps carry the visitor of the screen: the server suggests that
  // person's own last postures (never another visitor's).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get" || !/\/mediation\/(demarches\/\d+\/bloc|etape)\//.test(event.detail.path)) { return; }
    var usager = document.querySelector("#logging-form input[name='usager']");
    if (usager && usager.value) { event.detail.parameters.usager = usager.value; }
  });

  document.addEventListener("click", function (event) {
    var allWith = event.target.closest("[data-action='tout-avec']");
    if (allWith) {
      var bloc = allWith.closest("[data-bloc]");
      bloc.querySelectorAll(".etape input.btn-check[value='avec']").forEach(function (input) {
        input.checked = true;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      bloc.querySelectorAll("[data-suggestion]").forEach(function (badge) { badge.remove(); });
      return;
    }
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
