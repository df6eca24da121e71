// A short tone for staff pages (a new visitor, a message in a background chat, a call for
// help). Browsers allow sound only after the page has been used once, so the audio context
// starts on the first click or key press.

let audio = null;

function unlock() {
  if (audio === null && window.AudioContext) audio = new AudioContext();
}
document.addEventListener("pointerdown", unlock, { once: true });
document.addEventListener("keydown", unlock, { once: true });

// The top bar's "Geluid uit" button is the one switch for every staff page's tones.
export function muted() {
  return document.querySelector("[data-mute]")?.getAttribute("aria-pressed") === "true";
}

export function tone(frequency = 660, seconds = 0.4) {
  if (audio === null || muted()) return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + seconds);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + seconds);
}
