// Desk pages: kiosk help requests. The list is refreshed by htmx (every 5 s); a new request plays
// a short chime (Web Audio, no file, nothing from another host). Without JavaScript the list is
// still rendered with the page.
(function () {
  "use strict";
  var zone = document.querySelector("[data-demandes-aide-zone]");
  if (!zone || zone.getAttribute("data-pret")) { return; }
  zone.setAttribute("data-pret", "1");
  var audio = null;

  function ids() {
    var list = zone.querySelector("[data-demandes-aide]");
    return list ? list.getAttribute("data-demandes-aide").split(",") : [];
  }

  function chime() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    audio = audio || new Ctx();
    if (audio.state === "suspended") { audio.resume(); }
    [0, 0.25, 0.5].forEach(function (delay, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = [660, 880, 990][i];
      gain.gain.value = 0.25;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(audio.currentTime + delay);
      osc.stop(audio.currentTime + delay + 0.22);
    });
    zone.setAttribute("data-sonnerie", String(Number(zone.getAttribute("data-sonnerie") || 0) + 1));
  }

  // Browsers allow sound only after a first interaction with the page: unlock it then.
  ["pointerdown", "keydown"].forEach(function (name) {
    document.addEventListener(name, function () {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!audio && Ctx) { audio = new Ctx(); }
      if (audio && audio.state === "suspended") { audio.resume(); }
    }, { once: true, capture: true });
  });

  var known = ids();
  if (known.length) { chime(); }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== zone) { return; }
    var now = ids();
    var fresh = now.filter(function (id) { return id && known.indexOf(id) === -1; });
    if (fresh.length) { chime(); }
    known = now;
  });
})();
