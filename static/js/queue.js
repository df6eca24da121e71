// The live part of a staff page: the counsellor's queue in the workspace, the supervisors'
// overview. A socket says the moment something changes (a visitor joins, someone takes,
// hands over or leaves a chat, a colleague's status, a call for help); the page then
// fetches the [data-queue-list] section (the workspace names a small piece of its own in
// data-queue-src; otherwise the page itself) and swaps it in. On every staff page the top
// bar's waiting count ([data-bar-waiting], from its own small address) is kept live the
// same way, on the same socket.
// The socket carries no conversation data. A slow timer stays as a safety net for when
// the socket is down.
//
// Changes are coalesced: however fast the queue changes (a flood of visitors), a page
// fetches at most once per MIN_GAP_MS, after a random moment so that every open staff page
// does not ask at the same instant, and once more at the end if something changed while
// it was fetching.

import { keepOpen } from "./socket.js";

const REFRESH_MS = 30000;
const MIN_GAP_MS = 2000;
const JITTER_MS = 1000;
const section = document.querySelector("[data-queue-list]");
const count = document.querySelector("[data-queue-count]");
const bar = document.querySelector("[data-bar-waiting]");
const source = section?.dataset.queueSrc || window.location.href;

let timer = null;
let fetching = false;
let again = false;
let lastFetch = 0;
let leaving = false;
window.addEventListener("beforeunload", () => {
  leaving = true;
});

function schedule() {
  if (fetching) {
    again = true;
    return;
  }
  if (timer !== null) return;
  const wait = Math.max(0, lastFetch + MIN_GAP_MS - Date.now()) + 200 + Math.random() * JITTER_MS;
  timer = setTimeout(run, wait);
}

async function run() {
  timer = null;
  fetching = true;
  again = false;
  lastFetch = Date.now();
  try {
    await refresh();
  } finally {
    fetching = false;
    if (again) schedule();
  }
}

async function fetchPage(url) {
  let response;
  try {
    response = await fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    });
  } catch {
    return null; // offline for a moment: the next round tries again
  }
  if (response.redirected) {
    // The session ended: load the page for real, which leads to the log-in.
    window.location.reload();
    return null;
  }
  if (!response.ok) return null;
  return new DOMParser().parseFromString(await response.text(), "text/html");
}

async function refresh() {
  if (document.hidden) return;
  await Promise.all([section && refreshSection(), bar && refreshBar()]);
}

async function refreshBar() {
  const page = await fetchPage(bar.dataset.barSrc);
  const fresh = page?.querySelector("[data-bar-waiting]");
  if (!fresh) return;
  bar.replaceChildren(...fresh.childNodes);
  bar.className = fresh.className;
}

async function refreshSection() {
  const page = await fetchPage(source);
  const fresh = page?.querySelector("[data-queue-list]");
  if (!fresh) return;
  // Keep the keyboard where it was, so a refresh never steals a counsellor's focus.
  const focusKey = document.activeElement?.dataset?.focusKey;
  section.replaceChildren(...fresh.childNodes);
  Object.assign(section.dataset, fresh.dataset);
  if (focusKey) section.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  // The workspace and the supervisors' overview react to what changed (sound, title).
  document.dispatchEvent(new CustomEvent("queue:refreshed", { detail: { ...section.dataset } }));
  const freshCount = page.querySelector("[data-queue-count]");
  if (count && freshCount && count.textContent !== freshCount.textContent) {
    count.textContent = freshCount.textContent;
  }
}

function onFrame(frame) {
  if (frame.type === "queue.changed") schedule();
  else if (frame.type === "help.requested" || frame.type === "review.requested") {
    // Only supervisors' sockets receive these (a call for help, a referral waiting for
    // review); the tone does not wait.
    document.dispatchEvent(new CustomEvent("queue:help", { detail: { type: frame.type } }));
    schedule();
  }
}

if (section || bar) {
  setInterval(schedule, REFRESH_MS);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) schedule();
  });
  keepOpen("/ws/queue/", {
    onOpen: schedule,
    onFrame,
    // The session ended (or lost its second factor): the reload leads to the log-in, unless
    // the page is already on its way (the log-out button itself ends the session).
    onRefused: () => {
      if (!leaving) window.location.reload();
    },
  });
}
