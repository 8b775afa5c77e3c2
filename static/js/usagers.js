// Visitor screens: move focus to the error summary (or duplicate hint) after a failed submit.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
