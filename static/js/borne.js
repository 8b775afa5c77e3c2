// Kiosk behaviour: inactivity warning (60 s) and reset (90 s), CSRF token refresh so a page left
// open for hours still works, double-tap protection. No inline script (CSP).
(function () {
  "use strict";
  var WARN_AFTER = 60 * 1000;
  var RESET_AFTER = 90 * 1000;
  var CSRF_EVERY = 10 * 60 * 1000;

  var resetForm = document.getElementById("borne-reset");
  var dialog = document.getElementById("borne-inactivite");
  if (!resetForm) { return; }
  var active = resetForm.getAttribute("data-borne-idle") === "actif";
  var warnTimer = null;
  var resetTimer = null;

  function reset() {
    resetForm.submit();
  }

  function warn() {
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) {
      dialog.showModal();
      var yes = dialog.querySelector("[data-borne-oui]");
      if (yes) { yes.focus(); }
    }
  }

  function arm() {
    if (!active) { return; }
    window.clearTimeout(warnTimer);
    window.clearTimeout(resetTimer);
    warnTimer = window.setTimeout(warn, WARN_AFTER);
    resetTimer = window.setTimeout(reset, RESET_AFTER);
  }

  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      // While the warning is shown only "Oui" (or Escape) counts as an answer.
      if (dialog && dialog.open && !dialog.contains(event.target)) { return; }
      arm();
    }, { passive: true, capture: true });
  });

  if (dialog) {
    var yes = dialog.querySelector("[data-borne-oui]");
    if (yes) {
      yes.addEventListener("click", function () { dialog.close(); arm(); });
    }
    dialog.addEventListener("cancel", function () { arm(); });
  }

  // One tap is enough: a second tap while the page is loading is ignored.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-envoye")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-envoye", "1");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-envoye]").forEach(function (f) { f.removeAttribute("data-envoye"); });
    }
  });

  // Keep the CSRF token fresh (the session may be reset by another tab, or expire overnight).
  var jetonUrl = resetForm.getAttribute("data-jeton-url");
  function refreshToken() {
    if (!window.fetch || !jetonUrl) { return; }
    window.fetch(jetonUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.csrf) { return; }
        document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
          input.value = data.csrf;
        });
        document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": data.csrf }));
      })
      .catch(function () { /* offline for a moment: try again later */ });
  }
  window.setInterval(refreshToken, CSRF_EVERY);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { refreshToken(); }
  });

  // Print buttons
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-borne-imprimer]")) { window.print(); }
  });

  arm();
})();
