// The counsellor's workspace: a list of the chats they hold (rows with first words, reply
// waits and unread counts), a sound and the page title when a visitor joins the queue or a
// message arrives in a chat that is not in front, ready texts, side forms that save without
// leaving the page (the referral draft too), the confirmation before a chat ends, and
// keyboard shortcuts. The chats themselves are chat.js widgets, one per row; they stay
// connected whatever happens in the side panel.

import { keepCounting } from "./reply-waits.js";
import { tone } from "./tone.js";

const workspace = document.querySelector("[data-workspace]");
const tabs = [...document.querySelectorAll("[data-tab]")];
const unread = new Map(tabs.map((tab) => [tab.dataset.tab, 0]));
let waiting = Number(document.querySelector("[data-queue-list]")?.dataset.waiting || 0);
let queueAlert = false;

// --- Fit to the screen: the open chat's box stays in view however tall what is above it is.

const grid = document.querySelector(".workspace__grid");
function fitToScreen() {
  if (!grid) return;
  const top = grid.getBoundingClientRect().top + window.scrollY;
  workspace.style.setProperty("--workspace-top", `${Math.round(top)}px`);
}
window.addEventListener("resize", fitToScreen);
fitToScreen();

// --- Sound and title -----------------------------------------------------------------------

// Sound on or off is the top bar's button; tone() reads it (static/js/tone.js).
function beep() {
  tone(660, 0.4);
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
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = tabs[(index - 1 + tabs.length) % tabs.length];
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

// A supervisor's whisper is a staff note too (chat/whispers.py): it joins the chat's notes at
// once, without reloading the section, so a note being typed there stays as it is.
workspace.addEventListener("chat:message", (event) => {
  const note = event.detail.note;
  const section = event.target.closest("[data-panel]")?.querySelector("[data-notes]");
  if (!event.detail.live || event.detail.from !== "whisper" || !note || !section) return;
  let list = section.querySelector("ul.notes");
  if (!list) {
    list = document.createElement("ul");
    list.className = "notes";
    section.querySelector("[data-no-notes]")?.remove();
    section.querySelector("h4").after(list);
  }
  const item = document.createElement("li");
  item.className = "notes__whisper";
  const meta = document.createElement("p");
  meta.className = "transcript__meta";
  meta.textContent = `${note.time} · ${note.from}`;
  const body = document.createElement("p");
  body.className = "notes__body";
  body.textContent = note.body;
  item.append(meta, body);
  list.append(item);
});

// --- Rows: first words and reply waits, from the server ------------------------------------
//
// After a live message in any chat the rows are fetched again (?part=rows): who waits for a
// reply since when, and the first words, are the server's (chat/reply_waits.py); the script
// only counts the seconds on and colours at the moments the server gave.

let rowsTimer = null;

workspace.addEventListener("chat:message", (event) => {
  if (!event.detail.live || !event.target.closest("[data-panel]")) return;
  clearTimeout(rowsTimer);
  rowsTimer = setTimeout(refreshRows, 200);
});

async function refreshRows() {
  let response;
  try {
    response = await fetch(workspace.dataset.rowsSrc, {
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return;
  }
  if (!response.ok || response.redirected) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const fresh of page.querySelectorAll("[data-row-live]")) {
    const current = document.querySelector(`[data-row-live="${fresh.dataset.rowLive}"]`);
    if (current) current.replaceWith(document.importNode(fresh, true));
  }
  tick();
}

const tick = keepCounting(workspace);

// --- The side panel: a referral drafted beside the chat ------------------------------------
//
// The draft form comes from the referral's own page (?part=form), is posted with fetch and
// whatever comes back (the form with its errors, or the referral with its next steps) takes
// its place. Without this script the links open that page in a new tab.

function fill(slot, html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  slot.replaceChildren(...[...page.body.childNodes].map((node) => document.importNode(node, true)));
  // Errors or the result are read out from the slot; a fresh form starts at its first field.
  const said = slot.querySelector("[role=alert], .field__error, [role=status]");
  const panel = slot.closest("[data-panel]");
  panel.classList.toggle("chat-panel--side-open", slot.childElementCount > 0);
  // Only the side panel scrolls to the form: the chat and its box stay where they are.
  (said ? slot : slot.querySelector("input, select, textarea") || slot).focus({ preventScroll: true });
  const side = slot.closest(".chat-panel__side");
  if (side) side.scrollTop = slot.offsetTop - side.offsetTop;
  // On a laptop the side panel was below the chat until now: back to the chat's top.
  window.scrollTo(0, 0);
}

async function loadInto(slot, url, init) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", cache: "no-store", ...init });
  } catch {
    return false;
  }
  if (!response.ok || response.url.includes("/inloggen/")) return false;
  fill(slot, await response.text());
  slot.dataset.src = url;
  return true;
}

workspace.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-side-load]");
  if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
    event.preventDefault();
    const slot = document.querySelector(`[data-side-slot="${link.dataset.sideLoad}"]`);
    const url = new URL(link.href);
    url.searchParams.set("part", "form");
    if (!(await loadInto(slot, url.href))) window.open(link.href, "_blank", "noopener");
    return;
  }
  const close = event.target.closest("[data-side-close]");
  if (close) {
    const slot = close.closest("[data-side-slot]");
    slot.replaceChildren();
    slot.closest("[data-panel]").classList.remove("chat-panel--side-open");
    slot.closest("[data-panel]").querySelector("[data-side-load]")?.focus();
  }
});

workspace.addEventListener("submit", async (event) => {
  const form = event.target.closest("[data-side-slot] form[data-side-form]");
  if (!form) return;
  event.preventDefault();
  const slot = form.closest("[data-side-slot]");
  const url = form.getAttribute("action") ? form.action : slot.dataset.src;
  if (!(await loadInto(slot, url, { method: "POST", body: new FormData(form) }))) form.submit();
});

// --- Ending a chat: always confirmed -------------------------------------------------------

const endDialog = document.querySelector("[data-end-dialog]");

function confirmEnd(then) {
  if (!endDialog?.showModal) {
    then();
    return;
  }
  endDialog.returnValue = "";
  endDialog.addEventListener(
    "close",
    () => {
      if (endDialog.returnValue === "end") then();
    },
    { once: true },
  );
  endDialog.showModal();
}

// Captured before chat.js's own click handler on the button, which ends the chat at once.
workspace.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest("[data-panel] [data-chat-end]");
    if (!button || button.dataset.confirmed === "1") return;
    event.preventDefault();
    event.stopPropagation();
    confirmEnd(() => {
      button.dataset.confirmed = "1";
      button.click();
      delete button.dataset.confirmed;
    });
  },
  true,
);

workspace.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm-end]");
  if (!form || form.elements.confirmed.value === "1") return;
  // A chat that ended meanwhile (the visitor left) has nothing left to end.
  const ended = form.closest("[data-panel]")?.querySelector("[data-chat-ended]");
  if (ended && !ended.hidden) return;
  event.preventDefault();
  confirmEnd(() => {
    form.elements.confirmed.value = "1";
    form.requestSubmit();
  });
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
