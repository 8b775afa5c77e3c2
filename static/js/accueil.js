// Waiting-room screen: visual cue, and once the sound is switched on, a chime then the call read
// aloud (« Ticket A 17, bureau 2 ») in French and the optional second language: the device's own
// offline voices (Web Speech API, local voices only), else clips recorded ahead of time.
(function () {
  "use strict";
  var root = document.getElementById("ecran-contenu");
  if (!root) { return; }
  var audio = null;
  var soundOn = false;
  var WORDS = {
    fr: { ticket: "Ticket", bureau: "bureau", guichet: "guichet" },
    en: { ticket: "Ticket", bureau: "office", guichet: "desk" },
    ar: { ticket: "التذكرة", bureau: "المكتب", guichet: "الشباك" }
  };
  function grid() { return root.querySelector("[data-dernier]"); }
  function current() {
    var g = grid();
    return g ? g.getAttribute("data-dernier") : "";
  }
  var last = current();
  var button = document.querySelector("[data-ecran-son]");
  var langues = button ? (button.getAttribute("data-langues") || "fr").split(",") : ["fr"];
  var clipsRoot = button ? button.getAttribute("data-clips") : "";
  if (button) {
    button.addEventListener("click", function () {
      soundOn = !soundOn;
      if (soundOn && !audio && window.AudioContext) { audio = new window.AudioContext(); }
      button.textContent = soundOn ? "Couper le son" : "Activer le son (signal et appel à voix haute)";
      button.setAttribute("aria-pressed", soundOn ? "true" : "false");
    });
  }
  function beep() {
    if (!audio) { return; }
    [0, 0.35].forEach(function (delay, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = i ? 660 : 880;
      gain.gain.value = 0.2;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(audio.currentTime + delay);
      osc.stop(audio.currentTime + delay + 0.3);
    });
  }
  // « Bureau 2 » / « Guichet 3 » can be said with clips; any other desk name only by a voice.
  function deskParts(guichet) {
    var m = /^(bureau|guichet)\s*(\d+)$/i.exec((guichet || "").trim());
    return m ? { kind: m[1].toLowerCase(), n: Number(m[2]) } : null;
  }
  function sentence(lang, numero, guichet) {
    var w = WORDS[lang] || WORDS.fr;
    var desk = deskParts(guichet);
    var text = w.ticket + " A " + numero;
    if (desk) { text += ", " + w[desk.kind] + " " + desk.n; } else if (guichet && lang === "fr") { text += ", " + guichet; }
    return text;
  }
  function clips(lang, numero, guichet) {
    var base = clipsRoot + lang + "/";
    var list = [base + "ticket-a.ogg", base + "n-" + numero + ".ogg"];
    var desk = deskParts(guichet);
    if (desk) { list.push(base + desk.kind + ".ogg", base + "n-" + desk.n + ".ogg"); }
    return list;
  }
  function localVoice(lang) {
    if (!("speechSynthesis" in window)) { return null; }
    return window.speechSynthesis.getVoices().filter(function (v) {
      return v.localService && v.lang && v.lang.toLowerCase().indexOf(lang) === 0;
    })[0] || null;
  }
  function playQueue(urls, done) {
    if (!urls.length) { if (done) { done(); } return; }
    var player = new window.Audio(urls[0]);
    player.onended = function () { playQueue(urls.slice(1), done); };
    player.onerror = player.onended;
    var p = player.play();
    if (p && p.catch) { p.catch(function () { playQueue(urls.slice(1), done); }); }
  }
  function announce(numero, guichet) {
    var queue = langues.slice();
    function next() {
      var lang = queue.shift();
      if (!lang) { return; }
      var voice = localVoice(lang);
      if (voice) {
        var u = new window.SpeechSynthesisUtterance(sentence(lang, numero, guichet));
        u.voice = voice;
        u.lang = voice.lang;
        u.rate = 0.85;
        u.onend = next;
        window.speechSynthesis.speak(u);
      } else {
        playQueue(clips(lang, numero, guichet), next);
      }
    }
    root.setAttribute("data-annonce", sentence(langues[0], numero, guichet));
    window.setTimeout(next, 800);  // after the chime
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== root) { return; }
    var now = current();
    if (now && now !== last) {
      document.body.classList.remove("ecran-flash");
      void document.body.offsetWidth;
      document.body.classList.add("ecran-flash");
      var g = grid();
      if (soundOn) {
        beep();
        announce(g.getAttribute("data-numero"), g.getAttribute("data-guichet"));
      }
    }
    last = now;
  });
})();
