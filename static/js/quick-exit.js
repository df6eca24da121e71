// Quick exit ("Snel weg") on every visitor page, after GOV.UK's "Exit this page":
// the button, or Shift pressed three times on its own within 5 seconds of each other.
// Escape is deliberately not used: it also stops a page from loading.
//
// Leaving first asks our server to end the session and answer Clear-Site-Data, then
// replaces this page in the history with a neutral site, so Back does not return here.

const form = document.querySelector("[data-quick-exit]");
const status = document.querySelector("[data-quick-exit-status]");
const PRESSES = 3;
const WINDOW_MS = 5000;
const SERVER_WAIT_MS = 1500;

let presses = 0;
let timer = null;
let lastKeyWasModified = false;
let leaving = false;

function announce(text) {
  if (status) status.textContent = text;
}

function resetPresses() {
  presses = 0;
  clearTimeout(timer);
  timer = null;
  announce("");
}

function leave() {
  if (leaving) return;
  leaving = true;
  document.documentElement.classList.add("is-exiting");
  announce(form.dataset.msgLeaving);
  const go = () => window.location.replace(form.dataset.exitUrl);
  // keepalive lets the request finish even when the page is already gone; we wait for
  // it only briefly, because getting away matters more than the clean-up.
  const request = fetch(form.action, {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    keepalive: true,
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, SERVER_WAIT_MS));
  Promise.race([request, timeout]).then(go, go);
}

function onKeyUp(event) {
  if (event.key === "Shift" && !lastKeyWasModified) {
    presses += 1;
    clearTimeout(timer);
    if (presses >= PRESSES) {
      resetPresses();
      leave();
    } else {
      announce(presses === 1 ? form.dataset.msgTwo : form.dataset.msgOne);
      timer = setTimeout(resetPresses, WINDOW_MS);
    }
  } else if (event.key !== "Shift" && timer !== null) {
    // Any other key breaks the sequence, so typing capitals never triggers an exit.
    resetPresses();
  }
  // Shift released after Shift+A arrives with shiftKey false; the A's keyup had it true.
  lastKeyWasModified = event.shiftKey;
}

if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    leave();
  });
  document.addEventListener("keyup", onKeyUp, true);
}
