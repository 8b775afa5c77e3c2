// Kiosk behaviour: inactivity warning and reset on every screen (60 s / 90 s by default, from the
// server), focus on the screen's <h1>, « Écouter » (read aloud), CSRF token refresh so a page
// left open for hours still works, double-tap protection. No inline script (CSP).
(function () {
  "use strict";
  var CSRF_EVERY = 10 * 60 * 1000;

  var resetForm = document.getElementById("borne-reset");
  var dialog = document.getElementById("borne-inactivite");
  if (!resetForm) { return; }
  var WARN_AFTER = (Number(resetForm.getAttribute("data-avertir")) || 60) * 1000;
  var RESET_AFTER = (Number(resetForm.getAttribute("data-recommencer")) || 90) * 1000;
  var active = resetForm.getAttribute("data-borne-idle") === "actif";

  // A page restored from the back/forward cache is never shown as it was: ask the server again
  // (after « Terminer » it answers with the home screen).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  // Each new screen: focus its title, so a screen reader starts there and the next Tab is on the page.
  function focusTitle() {
    var title = document.querySelector("main h1");
    if (title) {
      title.setAttribute("tabindex", "-1");
      title.focus({ preventScroll: true });
    }
  }
  focusTitle();
  // The help screen changes on its own (« Quelqu'un arrive »): its new title gets the focus and is read.
  document.addEventListener("htmx:afterSettle", function () {
    var focused = document.activeElement;
    if (!focused || focused === document.body) { focusTitle(); }
  });
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

  // « Écouter »: read the question and the choices aloud in the screen's language, with the
  // device's own offline voices only; otherwise play the recording made ahead of time (espeak-ng).
  var listen = document.querySelector("[data-borne-ecouter]");
  var player = null;
  function segments() {
    var main = document.querySelector("main");
    var parts = [];
    var nodes = main.querySelectorAll("h1, .borne-sous-titre, .borne-texte, .borne-grand-texte, .borne-tres-grand, .borne-ticket, .borne-code, .borne-tuile, .borne-bouton, .borne-erreur");
    nodes.forEach(function (node) {
      if (node.closest(".borne-tuile, .borne-bouton") && node !== node.closest(".borne-tuile, .borne-bouton")) { return; }
      var clone = node.cloneNode(true);
      clone.querySelectorAll(".borne-en-francais, img").forEach(function (n) { n.remove(); });
      var text = clone.textContent.replace(/\s+/g, " ").trim();
      var inner = node.querySelector("[lang]");
      var lang = (inner && inner.getAttribute("lang")) || (node.closest("[lang]") || document.documentElement).getAttribute("lang");
      if (text) { parts.push({ text: text, lang: lang }); }
    });
    return parts;
  }
  function localVoice(lang) {
    if (!("speechSynthesis" in window)) { return null; }
    var voices = window.speechSynthesis.getVoices().filter(function (v) {
      return v.localService && v.lang && v.lang.toLowerCase().indexOf(lang) === 0;
    });
    return voices[0] || null;
  }
  function stop() {
    if ("speechSynthesis" in window) { window.speechSynthesis.cancel(); }
    if (player) { player.pause(); player.currentTime = 0; }
    listen.setAttribute("aria-pressed", "false");
  }
  function speak() {
    var lang = listen.getAttribute("data-langue");
    var parts = segments();
    var voice = localVoice(lang);
    listen.setAttribute("aria-pressed", "true");
    if (voice) {
      parts.forEach(function (part, i) {
        var u = new window.SpeechSynthesisUtterance(part.text);
        var v = part.lang === lang ? voice : (localVoice(part.lang) || voice);
        u.voice = v;
        u.lang = v.lang;
        u.rate = 0.9;
        if (i === parts.length - 1) { u.onend = function () { listen.setAttribute("aria-pressed", "false"); }; }
        window.speechSynthesis.speak(u);
      });
      listen.setAttribute("data-mode", "voix");
      return;
    }
    player = player || new window.Audio(listen.getAttribute("data-audio"));
    player.onended = function () { listen.setAttribute("aria-pressed", "false"); };
    listen.setAttribute("data-mode", "enregistrement");
    var played = player.play();
    if (played && played.catch) { played.catch(function () { listen.setAttribute("aria-pressed", "false"); }); }
  }
  if (listen) {
    listen.addEventListener("click", function () {
      if (listen.getAttribute("aria-pressed") === "true") { stop(); } else { speak(); }
    });
  }

  arm();
})();
