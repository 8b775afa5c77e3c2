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
  // Print buttons (no inline handlers: the CSP forbids them).
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action='print']");
    if (target) { window.print(); }
  });
})();
