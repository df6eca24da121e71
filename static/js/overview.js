// The supervisors' overview: queue.js keeps it current; this says so when a counsellor
// asks for help, in the page title and, where the browser allows, with a short tone.

const root = document.querySelector("[data-overview]");
let audio = null;

function unlock() {
  if (audio === null && window.AudioContext) audio = new AudioContext();
}
document.addEventListener("pointerdown", unlock, { once: true });
document.addEventListener("keydown", unlock, { once: true });

function tone() {
  if (audio === null) return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.5);
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.5);
}

function showTitle(helpCount) {
  document.title = helpCount > 0 ? `(!) ${root.dataset.title}` : root.dataset.title;
}

if (root) {
  document.addEventListener("queue:help", tone);
  document.addEventListener("queue:refreshed", (event) => {
    showTitle(Number(event.detail.help || 0));
  });
  showTitle(Number(document.querySelector("[data-queue-list]")?.dataset.help || 0));
}
