// The staff console's top bar (templates/includes/top_bar.html): status, capacity and sound
// save in the background, without leaving the page (the other chats' sockets and anything
// typed stay as they are). Without this script the same forms post and come back.
// The waiting count is kept live by queue.js.

const BACKGROUND = { "X-Requested-With": "fetch" };

async function post(form, body = new FormData(form)) {
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: BACKGROUND,
    });
    return response.ok;
  } catch {
    return false;
  }
}

const statusForm = document.querySelector("[data-status-form]");
if (statusForm) {
  const saved = statusForm.querySelector("[data-status-saved]");
  const dot = statusForm.querySelector("[data-status-dot]");
  statusForm.querySelector("[data-status-save]").hidden = true; // each change saves itself
  async function save() {
    const ok = await post(statusForm);
    saved.textContent = ok ? saved.dataset.msgSaved : saved.dataset.msgFailed;
    if (ok && dot) dot.className = `top-bar__dot top-bar__dot--${statusForm.elements.status.value}`;
  }
  statusForm.addEventListener("change", save);
  statusForm.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
}

const soundForm = document.querySelector("[data-sound-form]");
if (soundForm) {
  const button = soundForm.querySelector("[data-mute]");
  soundForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const muted = button.getAttribute("aria-pressed") !== "true";
    const body = new FormData(soundForm);
    body.set("muted", muted ? "1" : "0");
    button.setAttribute("aria-pressed", String(muted));
    if (await post(soundForm, body)) {
      soundForm.elements.muted.value = muted ? "0" : "1"; // what the next press asks for
    } else {
      button.setAttribute("aria-pressed", String(!muted));
    }
  });
}
