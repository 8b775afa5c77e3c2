// Small progressive enhancements; everything works without JavaScript.
(function () {
  "use strict";
  // Move focus to the error summary so screen-reader users hear the errors first.
  function focusErrors(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });
  // The menu collapses under 600 px only when this script runs (without it, it stays open).
  document.documentElement.classList.add("js");
  // Print buttons and the mobile menu (no inline handlers: the CSP forbids them).
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action='print']");
    if (target) { window.print(); return; }
    var toggle = event.target.closest("[data-action='menu']");
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.closest(".main-nav").classList.toggle("open", open);
    }
  });
  // Visitor picker: its « Chercher » button (the search without JavaScript) is the first submit of
  // the form, so Enter would pick it. With JavaScript, Enter in the picker's box searches at once
  // (htmx, the "search" event) and Enter elsewhere submits with the form's main button.
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || field.tagName !== "INPUT" || !field.form) { return; }
    if (field.type === "submit" || field.type === "button" || !field.form.querySelector("[data-picker-query]")) { return; }
    event.preventDefault();
    if (field.hasAttribute("data-picker-query")) {
      if (window.htmx) { window.htmx.trigger(field, "search"); }
      return;
    }
    var main = field.form.querySelector("[data-submit-principal]");
    if (main) { field.form.requestSubmit(main); }
  });
})();
