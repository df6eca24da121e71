// A WebSocket to our own server that comes back after it drops: the one reconnect of every
// page, used by the chat widget (chat.js) and the staff pages' queue (queue.js).
//
// - After a drop it tries again after a random wait between 0.25 s and a ceiling that
//   starts at 1 s and doubles with every failure up to 30 s ("full jitter"), so a server
//   restart is not answered by every browser in the same second, nor in waves.
// - A server busy with others says when to come back (a `busy` frame, then 4503): the page
//   tries again at that moment, which the server has set apart for it, not at a guess.
// - 4401 (no session, or it ended), 4403 (not allowed) and 4404 (no such socket) mean trying
//   again cannot help (docs/protocol.md, close codes): the socket stays closed and
//   `onRefused(code)` decides what the page says.
// - Offline, another try cannot work: the socket is dropped at once (browsers keep a dead
//   one open for a while) and the "online" event connects again.
// - Leaving the page closes it; a page brought back from the back-forward cache reconnects.

const NO_RECONNECT = [4401, 4403, 4404];
const MIN_RETRY_MS = 250;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30000;

export function keepOpen(path, { onOpen = () => {}, onFrame, onLost = () => {}, onRefused }) {
  let socket = null;
  let attempt = 0;
  let retryTimer = null;
  let retryWaitMs = null; // the wait a busy server gave (ms), for the next try only
  let paused = false; // the page was left (it may come back from the back-forward cache)
  let stopped = false; // refused, or the page said it is done (a chat that ended)

  function send(frame) {
    if (socket === null || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function connect() {
    if (stopped || paused || socket !== null) return;
    clearTimeout(retryTimer);
    retryTimer = null;
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const current = new WebSocket(`${scheme}//${window.location.host}${path}`);
    socket = current;
    current.addEventListener("open", () => {
      attempt = 0;
      onOpen(current);
    });
    current.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === "busy") {
        const ms = Number(frame.retry_ms);
        retryWaitMs = Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_MS) : null;
        return;
      }
      onFrame(frame);
    });
    current.addEventListener("close", (event) => {
      if (socket !== current) return; // dropped on purpose
      socket = null;
      if (NO_RECONNECT.includes(event.code)) {
        stop();
        onRefused(event.code);
      } else lost();
    });
  }

  function disconnect() {
    const current = socket;
    socket = null;
    if (current !== null) current.close();
  }

  function lost() {
    if (stopped || paused) return;
    onLost();
    if (retryTimer !== null || navigator.onLine === false) return;
    const ceiling = Math.min(FIRST_RETRY_MS * 2 ** Math.min(attempt, 10), MAX_RETRY_MS);
    attempt += 1;
    const delay = retryWaitMs ?? Math.max(MIN_RETRY_MS, Math.random() * ceiling);
    retryWaitMs = null;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  function stop() {
    stopped = true;
    clearTimeout(retryTimer);
    retryTimer = null;
    disconnect();
  }

  function resume() {
    paused = false;
    attempt = 0;
    clearTimeout(retryTimer);
    retryTimer = null;
    connect();
  }

  window.addEventListener("offline", () => {
    if (stopped) return;
    disconnect();
    lost();
  });
  window.addEventListener("online", () => {
    if (!stopped) resume();
  });
  // Quick exit and any other way of leaving: close the socket before the page goes
  // (quick-exit.js ends the session on the server).
  window.addEventListener("pagehide", () => {
    paused = true;
    clearTimeout(retryTimer);
    retryTimer = null;
    disconnect();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && !stopped) resume();
  });

  connect();
  return {
    send,
    stop,
    get socket() {
      return socket;
    },
  };
}
