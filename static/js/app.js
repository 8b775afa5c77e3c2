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
})();
