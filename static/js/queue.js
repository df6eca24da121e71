// The live part of a staff page: the counsellor's queue in the workspace, the supervisors'
// overview. A socket says the moment something changes (a visitor joins, someone takes,
// hands over or leaves a chat, a colleague's status, a call for help); the page then
// fetches itself and swaps in the [data-queue-list] section.
// The socket carries no conversation data. A slow timer stays as a safety net for when
// the socket is down.

const REFRESH_MS = 30000;
const section = document.querySelector("[data-queue-list]");
const count = document.querySelector("[data-queue-count]");

async function refresh() {
  if (document.hidden) return;
  let response;
  try {
    response = await fetch(window.location.href, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    });
  } catch {
    return; // offline for a moment: the next round tries again
  }
  if (response.redirected) {
    // The session ended: load the page for real, which leads to the log-in.
    window.location.reload();
    return;
  }
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.querySelector("[data-queue-list]");
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

let retryMs = 1000;

function listen() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/queue/`);
  socket.addEventListener("open", () => {
    retryMs = 1000;
    refresh();
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "queue.changed") refresh();
    else if (frame.type === "help.requested") {
      // Only supervisors' sockets receive this one.
      document.dispatchEvent(new CustomEvent("queue:help"));
      refresh();
    }
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4401 || event.code === 4403) {
      window.location.reload(); // the session ended: the reload leads to the log-in
      return;
    }
    setTimeout(listen, retryMs + Math.random() * 500);
    retryMs = Math.min(retryMs * 2, 15000);
  });
}

if (section) {
  setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", refresh);
  listen();
}
