// Waiting-room screen: visual cue (and optional sound) when a new ticket is called.
(function () {
  "use strict";
  var root = document.getElementById("ecran-contenu");
  if (!root) { return; }
  var audio = null;
  var soundOn = false;
  function current() {
    var grid = root.querySelector("[data-dernier]");
    return grid ? grid.getAttribute("data-dernier") : "";
  }
  var last = current();
  var button = document.querySelector("[data-ecran-son]");
  if (button) {
    button.addEventListener("click", function () {
      soundOn = !soundOn;
      if (soundOn && !audio && window.AudioContext) { audio = new window.AudioContext(); }
      button.textContent = soundOn ? "Couper le signal sonore" : "Activer le signal sonore";
      button.setAttribute("aria-pressed", soundOn ? "true" : "false");
    });
  }
  function beep() {
    if (!soundOn || !audio) { return; }
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
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== root) { return; }
    var now = current();
    if (now && now !== last) {
      document.body.classList.remove("ecran-flash");
      void document.body.offsetWidth;
      document.body.classList.add("ecran-flash");
      beep();
    }
    last = now;
  });
})();
