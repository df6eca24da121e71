// The counsellor's workspace: tabs for the chats they hold, unread counts, a sound and
// the page title when a visitor joins the queue or a message arrives in a chat that is
// not in front, ready texts, small forms that save without leaving the page, and
// keyboard shortcuts. The chats themselves are chat.js widgets, one per tab.

import { tone } from "./tone.js";

const workspace = document.querySelector("[data-workspace]");
const tabs = [...document.querySelectorAll("[data-tab]")];
const unread = new Map(tabs.map((tab) => [tab.dataset.tab, 0]));
let waiting = Number(document.querySelector("[data-queue-list]")?.dataset.waiting || 0);
let queueAlert = false;

// --- Sound and title -----------------------------------------------------------------------

// Sound on or off is the top bar's button (static/js/top-bar.js keeps it in the session).
function beep() {
  if (document.querySelector("[data-mute]")?.getAttribute("aria-pressed") !== "true") {
    tone(660, 0.4);
  }
}

function updateTitle() {
  const count = [...unread.values()].reduce((a, b) => a + b, 0);
  const marks = [];
  if (queueAlert) marks.push("!");
  if (count) marks.push(String(count));
  document.title = marks.length
    ? `(${marks.join(" ")}) ${workspace.dataset.title}`
    : workspace.dataset.title;
}

function toggleMute() {
  document.querySelector("[data-sound-form]")?.requestSubmit();
}

// --- Tabs ---------------------------------------------------------------------------------

function selectedId() {
  return tabs.find((tab) => tab.getAttribute("aria-selected") === "true")?.dataset.tab;
}

function select(id, focus = true) {
  for (const tab of tabs) {
    const on = tab.dataset.tab === id;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById(`panel-${tab.dataset.tab}`).hidden = !on;
    if (on && focus) tab.focus();
  }
  setUnread(id, 0);
  // A reload comes back to this chat.
  history.replaceState(null, "", `/medewerkers/gesprek/${id}/`);
}

function setUnread(id, count) {
  unread.set(id, count);
  const badge = document.querySelector(`[data-tab="${id}"] [data-unread]`);
  if (badge) {
    badge.hidden = count === 0;
    badge.textContent = count ? String(count) : "";
  }
  updateTitle();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => select(tab.dataset.tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    let next = null;
    if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (next) {
      event.preventDefault();
      select(next.dataset.tab);
    }
  });
}

// A message from the visitor in a chat that is not in front (or while the window is not).
workspace.addEventListener("chat:message", (event) => {
  if (!event.detail.live || event.detail.own || event.detail.from === "system") return;
  const panel = event.target.closest("[data-panel]");
  if (!panel) return;
  const id = panel.dataset.panel;
  if (id === selectedId() && !document.hidden) return;
  setUnread(id, (unread.get(id) || 0) + 1);
  beep();
});

document.addEventListener("visibilitychange", () => {
  if (document.hidden) return;
  const id = selectedId();
  if (id) setUnread(id, 0);
  queueAlert = false;
  updateTitle();
});

// --- The queue ----------------------------------------------------------------------------

document.addEventListener("queue:refreshed", (event) => {
  const now = Number(event.detail.waiting || 0);
  if (now > waiting) {
    beep();
    if (document.hidden) queueAlert = true;
    updateTitle();
  }
  waiting = now;
  // A chat handed to this counsellor has no tab yet: offer to open it.
  const held = (event.detail.held || "").split(" ").filter(Boolean);
  const fresh = held.some((id) => !unread.has(id));
  const note = document.querySelector("[data-new-chat]");
  if (note) note.hidden = !fresh;
  if (fresh) beep();
});

// --- Ready texts and side forms -------------------------------------------------------------

workspace.addEventListener("click", (event) => {
  const button = event.target.closest("[data-canned]");
  if (!button) return;
  const input = button.closest("[data-panel]").querySelector("[data-chat-input]");
  if (!input || input.closest("[hidden]")) return;
  const start = input.selectionStart ?? input.value.length;
  input.setRangeText(button.dataset.canned, start, input.selectionEnd ?? start, "end");
  input.focus();
  button.closest("details").open = false;
});

// Notes and the help signal save without a page load, so the other chats' sockets and
// anything typed in them stay as they are. Without this script they post normally.
workspace.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-async]");
  if (!form) return;
  event.preventDefault();
  const target = form.dataset.async;
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
    });
  } catch {
    form.submit();
    return;
  }
  if (!response.ok || response.redirected === false) {
    form.submit();
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.querySelector(target);
  const current = document.querySelector(target);
  if (!fresh || !current) {
    window.location.reload();
    return;
  }
  current.replaceWith(fresh);
  (fresh.querySelector("[role=status]") || fresh.querySelector("textarea, button"))?.focus();
});

// A supervisor took up this chat's call for help: show who, from the page itself (the one
// rendering of that section), and sound as for a message.
async function refreshSection(selector, url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  } catch {
    return;
  }
  if (!response.ok || response.redirected) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.querySelector(selector);
  if (fresh) document.querySelector(selector)?.replaceWith(fresh);
}

workspace.addEventListener("chat:frame", (event) => {
  if (event.detail.event !== "help.answered") return;
  const id = event.target.closest("[data-panel]")?.dataset.panel;
  if (!id) return;
  refreshSection(`[data-help='${id}']`, `/medewerkers/gesprek/${id}/`);
  beep();
});

// --- Keyboard shortcuts: Alt+Shift, so they clash neither with the browser nor with typing.

document.addEventListener("keydown", (event) => {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
  const panel = document.getElementById(`panel-${selectedId()}`);
  const digit = /^Digit([1-9])$/.exec(event.code);
  let handled = true;
  if (digit) {
    const tab = tabs[Number(digit[1]) - 1];
    if (tab) select(tab.dataset.tab);
  } else if (event.code === "KeyW") {
    const claim = document.querySelector("[data-claim]");
    if (claim) claim.focus();
    else document.querySelector("[data-queue-list]").focus();
  } else if (event.code === "KeyB") {
    panel?.querySelector("[data-chat-input]")?.focus();
  } else if (event.code === "KeyA") {
    const list = panel?.querySelector("[data-canned-list]");
    if (list) {
      list.open = true;
      list.querySelector("[data-canned]")?.focus();
    }
  } else if (event.code === "KeyN") {
    panel?.querySelector("[data-notes] textarea")?.focus();
  } else if (event.code === "KeyM") {
    toggleMute();
  } else {
    handled = false;
  }
  if (handled) event.preventDefault();
});

updateTitle();
