// One conversation, for the visitor on /chat/, for the counsellor and for a supervisor's
// live look (data-role "observer": reads along, whispers to the counsellor, may join).
//
// The database is the source of truth (docs/protocol.md). On every (re)connect we ask for
// what came after the last message we have, render by seq and drop a seq we already have,
// and resend unacknowledged messages with their first id, so the server stores each once.
// Nothing outlives this page: the outbox is in memory only, never in browser storage.
// Reconnecting (backoff, offline, the close codes that end it) is socket.js's.

import { keepOpen } from "./socket.js";

const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 4000;
const WAITING_REFRESH_MS = 20000;
// The server allows 5 frames a second; a resent outbox stays well below that.
const RESEND_GAP_MS = 300;
const RATE_LIMITED_RETRY_MS = 1000;
const UNAVAILABLE_RETRY_MS = 2000;
// The visitor's message box grows with the text up to this share of the screen, then scrolls.
const INPUT_MAX_SHARE = 0.3;
// What the visitor's live region keeps: enough for a screen reader to catch up, no more.
const ANNOUNCED_KEPT = 5;

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http development hosts get the same by hand.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Every chat widget on the page runs on its own: the visitor has one, a counsellor's
// workspace has one per conversation. The widget tells the page what happens through
// DOM events on its root ("chat:message", and "chat:frame" for frames this module does
// not handle itself), so the workspace and other modules can react.
function startChat(root) {
  const text = root.dataset;
  const role = text.role;
  const list = root.querySelector("[data-chat-messages]");
  const template = root.querySelector("[data-message-template]");
  const stateLine = root.querySelector("[data-chat-state]");
  const offlineNotice = root.querySelector("[data-chat-offline]");
  const form = root.querySelector("[data-chat-form]");
  const input = root.querySelector("[data-chat-input]");
  const errorLine = root.querySelector("[data-chat-error]");
  const endButton = root.querySelector("[data-chat-end]");
  const endedBox = root.querySelector("[data-chat-ended]");
  const typingLine = root.querySelector("[data-chat-typing]");
  // The visitor's page only: the header's end form and its "Weet je het zeker?" dialog,
  // the welcome for each state, the scrolling area and the one polite live region.
  const endForm = root.querySelector("[data-chat-end-form]");
  const endDialog = root.querySelector("[data-chat-end-dialog]");
  const welcomes = root.querySelectorAll("[data-chat-welcome]");
  const scroller = root.querySelector("[data-chat-scroll]") || list;
  const announcer = root.querySelector("[data-chat-announce]");
  // Staff only: a supervisor's whispers, and the look's own controls (docs/protocol.md).
  const whisperTemplate = root.querySelector("[data-whisper-template]");
  const whisperForm = root.querySelector("[data-chat-whisper]");
  const whisperInput = root.querySelector("[data-whisper-input]");
  const whisperError = root.querySelector("[data-whisper-error]");
  const joinButton = root.querySelector("[data-chat-join]");
  const joinHelp = root.querySelector("[data-chat-join-help]");
  const leaveButton = root.querySelector("[data-chat-leave]");
  const observer = role === "observer";
  // Whose own messages carry `by` (a supervisor who joined writes as a counsellor).
  const me = text.me || "";

  // Sender -> label as this reader sees it, "Jij" for their own: the server's one table
  // (chat/speakers.py), which also labels the history, the download and the look.
  const SENDERS = JSON.parse(text.speakers);
  const ERRORS = {
    too_long: text.errorTooLong,
    invalid: text.errorInvalid,
    ended: text.errorEnded,
    passphrase: text.errorPassphrase,
    cannot_whisper: text.errorCannotWhisper,
    cannot_join: text.errorCannotJoin,
    observing: text.errorObserving,
  };

  let link = null; // the socket, once keepOpen has opened it
  let waitingTimer = null;
  let typingTimer = null;
  let lastTypingSent = 0;
  let ended = false;
  let caughtUp = false; // the first resume has replayed what was said before this page

  const seen = new Set(); // every seq on screen
  let contiguous = 0; // every seq up to this one is on screen: where a resume starts
  const outbox = new Map(); // id -> body, until the server acknowledges it
  const items = new Map(); // message id -> its <li>
  const whispers = new Set(); // whisper ids on screen
  const pendingWhispers = new Map(); // id -> body, until the whisper comes back
  let joined = false; // an observer who joined the chat openly

  // A page may render what was said already (the supervisor's look): go on from there.
  for (const item of list.querySelectorAll("[data-message][data-seq]")) seen.add(Number(item.dataset.seq));
  while (seen.has(contiguous + 1)) contiguous += 1;
  for (const item of list.querySelectorAll("[data-whisper-id]")) whispers.add(item.dataset.whisperId);

  function send(frame) {
    return link !== null && link.send(frame);
  }

  // --- Messages ---------------------------------------------------------------------------

  // A counsellor's message written by a supervisor who joined carries `by` for staff only.
  function isOwn(from, by) {
    return by ? by === me : from === role;
  }

  function newItem(from, body, by) {
    const item = template.content.firstElementChild.cloneNode(true);
    const own = isOwn(from, by);
    item.classList.add(own ? "message--own" : `message--${from}`);
    item.querySelector("[data-from]").textContent = own ? SENDERS[role] : by || SENDERS[from] || "";
    item.querySelector("[data-body]").textContent = body;
    return item;
  }

  function setDelivery(item, label) {
    item.querySelector("[data-delivery]").textContent = label ? `· ${label}` : "";
  }

  function setTime(item, at) {
    const time = item.querySelector("[data-at]");
    time.dateTime = at;
    time.textContent = new Date(at).toLocaleTimeString(document.documentElement.lang, {
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  // In seq order; messages still on their way (no seq yet) stay at the end.
  function place(item, seq) {
    item.dataset.seq = seq;
    const later = [...list.children].find(
      (other) => other !== item && (!other.dataset.seq || Number(other.dataset.seq) > seq),
    );
    // Moving a node that is already in place would have screen readers read it again.
    if (item.parentNode === list && item.nextElementSibling === (later || null)) return;
    list.insertBefore(item, later || null);
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  // One line more in the live region: read once, politely, without the list read again.
  function announce(words) {
    if (!announcer || !words) return;
    const line = document.createElement("p");
    line.textContent = words;
    announcer.append(line);
    while (announcer.children.length > ANNOUNCED_KEPT) announcer.firstElementChild.remove();
  }

  function showStateText(words) {
    if (stateLine.textContent === words) return;
    stateLine.textContent = words;
    announce(words);
  }

  function emit(name, detail) {
    root.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
  }

  function onMessage(frame) {
    if (seen.has(frame.seq)) return;
    seen.add(frame.seq);
    while (seen.has(contiguous + 1)) contiguous += 1;
    let item = items.get(frame.id);
    if (item === undefined) {
      item = newItem(frame.from, frame.body, frame.by);
      items.set(frame.id, item);
    }
    const own = isOwn(frame.from, frame.by);
    if (own) {
      // Stored, even when its ack was lost with a dropped connection.
      outbox.delete(frame.id);
      setDelivery(item, text.msgSent);
    } else {
      hideTyping();
    }
    setTime(item, frame.at);
    place(item, frame.seq);
    scrollToEnd();
    if (!own) {
      markRead();
      if (caughtUp) {
        const from = item.querySelector("[data-from]").textContent;
        announce(text.msgSaid?.replace("{name}", from).replace("{body}", frame.body));
      }
    }
    // What the first resume replays is history, not news (no sound, no unread count).
    emit("chat:message", { from: frame.from, own, seq: frame.seq, live: caughtUp });
  }

  // A supervisor's whisper to the counsellor: staff only, after the message it followed.
  function onWhisper(frame) {
    if (!whisperTemplate || whispers.has(frame.id)) return;
    whispers.add(frame.id);
    const item = whisperTemplate.content.firstElementChild.cloneNode(true);
    item.dataset.whisperId = frame.id;
    item.querySelector("[data-from]").textContent = text.whisperFrom.replace("{name}", frame.by);
    item.querySelector("[data-body]").textContent = frame.body;
    setTime(item, frame.at);
    place(item, Number(frame.after_seq) + 0.5);
    scrollToEnd();
    const own = frame.by === me;
    if (own) pendingWhispers.clear();
    // The workspace also files it under the chat's notes (workspace.js), as the server has.
    const note = {
      from: item.querySelector("[data-from]").textContent,
      time: item.querySelector("[data-at]").textContent,
      body: frame.body,
    };
    emit("chat:message", { from: "whisper", own, seq: null, live: caughtUp, note });
  }

  // Read markers go one way: the counsellor sees what the visitor has read. Nothing about
  // when the counsellor reads reaches the visitor's screen (security brief, Part C 9).
  let lastReadSent = 0;

  function markRead() {
    if (role !== "visitor" || document.hidden || contiguous <= lastReadSent) return;
    if (send({ type: "read", seq: contiguous })) lastReadSent = contiguous;
  }

  function onRead(frame) {
    if (role !== "counsellor" || frame.by !== "visitor") return;
    for (const item of list.querySelectorAll(".message--own[data-seq]")) {
      if (Number(item.dataset.seq) <= frame.seq) setDelivery(item, text.msgRead);
    }
  }

  function onAck(frame) {
    outbox.delete(frame.id);
    const item = items.get(frame.id);
    if (item === undefined) return;
    setDelivery(item, text.msgSent);
    place(item, frame.seq);
  }

  function flushOutbox(current) {
    [...outbox.keys()].forEach((id, index) => {
      setTimeout(() => {
        if (link.socket === current && outbox.has(id)) {
          send({ type: "message.send", id, body: outbox.get(id) });
        }
      }, (index + 1) * RESEND_GAP_MS);
    });
  }

  function submit(event) {
    event.preventDefault();
    const body = input.value.trim();
    if (!body || ended) return;
    const id = newId();
    const item = newItem(role, body);
    items.set(id, item);
    outbox.set(id, body);
    setDelivery(item, text.msgSending);
    list.append(item);
    scrollToEnd();
    input.value = "";
    fitInput();
    showError("");
    send({ type: "message.send", id, body });
    // Sent with the button or Enter: the next message goes in the same box.
    if (!root.closest("[hidden]")) input.focus();
  }

  // The visitor's box grows with what is typed, up to a limit (where field-sizing is not
  // known to the browser); the height goes through the CSSOM, which the CSP allows.
  const growByHand = Boolean(endForm) && !CSS.supports?.("field-sizing", "content");

  function fitInput() {
    if (!growByHand) return;
    input.style.height = "auto";
    const limit = Math.max(window.innerHeight * INPUT_MAX_SHARE, 48);
    input.style.height = `${Math.min(input.scrollHeight + 4, limit)}px`;
  }

  // --- State: queue, conversation, end ------------------------------------------------------

  function showWelcome(state) {
    for (const welcome of welcomes) welcome.hidden = welcome.dataset.chatWelcome !== state;
  }

  function showState(state, position, minutes, left) {
    clearTimeout(waitingTimer);
    if (state === "ended" || state === "abandoned") {
      showEnded(left);
    } else if (state === "waiting") {
      showWelcome("waiting");
      if (position === 1) showStateText(text.msgNext);
      else if (position) {
        showStateText(text.msgPosition.replace("{position}", position).replace("{minutes}", minutes));
      } else showStateText(text.msgWaiting);
      // The queue moves without telling this socket; ask again now and then.
      waitingTimer = setTimeout(() => send({ type: "resume", after: contiguous }), WAITING_REFRESH_MS);
    } else {
      showWelcome("active");
      showStateText(text.msgActive);
    }
  }

  // The observer's controls: whisper and join while only looking on, write and leave after.
  function showJoined(on) {
    joined = on;
    if (!observer) return;
    form.hidden = !on || ended;
    if (whisperForm) whisperForm.hidden = ended;
    if (joinButton) joinButton.hidden = on || ended;
    if (joinHelp) joinHelp.hidden = on || ended;
  }

  function onEvent(frame) {
    if (frame.event === "joined") showState("active");
    else if (frame.event === "ended") showEnded(frame.left);
    else if (frame.event === "second.joined" || frame.event === "second.left") {
      if (frame.by === me) showJoined(frame.event === "second.joined");
      emit("chat:frame", frame);
    }
    else if (frame.event === "transferred" && role === "counsellor") refuse(text.msgTransferred);
    else emit("chat:frame", frame);
  }

  // `left`: the visitor went away without ending it (quick exit, a page that did not come
  // back); the counsellor is told so, rather than typing into nothing.
  function showEnded(left) {
    if (ended) return;
    ended = true;
    stop();
    const message = left && role === "counsellor" ? text.msgLeft : text.msgEnded;
    showStateText(message);
    if (endForm) endForm.hidden = true;
    if (endDialog?.open) endDialog.close();
    endedBox.querySelector("[data-chat-ended-text]").textContent = message;
    for (const id of outbox.keys()) setDelivery(items.get(id), text.msgNotSent);
    outbox.clear();
    form.hidden = true;
    if (whisperForm) whisperForm.hidden = true;
    offlineNotice.hidden = true;
    hideTyping();
    endedBox.hidden = false;
    emit("chat:ended", { left: Boolean(left) });
    // In a workspace, a chat ending in a background tab must not pull the focus there.
    if (!root.closest("[hidden]")) endedBox.focus();
  }

  // The server said no (4401 the session is gone, 4403 not yours, 4404 no such chat, or the
  // chat was handed over): socket.js does not try again, and the page says what to do.
  function refuse(reason, code) {
    stop();
    const message = reason || (code === 4401 && text.msgSessionEnded) || text.msgNotAllowed;
    showStateText(message);
    const next = root.querySelector("[data-chat-ended-next]");
    const refusedLinks = root.querySelector("[data-chat-refused-links]");
    if (refusedLinks && !reason) {
      refusedLinks.hidden = false;
      if (next) next.hidden = true;
    }
    if (endForm) endForm.hidden = true;
    endedBox.querySelector("[data-chat-ended-text]").textContent = message;
    form.hidden = true;
    if (whisperForm) whisperForm.hidden = true;
    offlineNotice.hidden = true;
    endedBox.hidden = false;
  }

  // --- Typing -------------------------------------------------------------------------------

  function onInput() {
    // Only the visitor's typing is shown, and only to the counsellor (docs/protocol.md).
    if (role !== "visitor" || !input.value.trim()) return;
    const now = Date.now();
    if (now - lastTypingSent < TYPING_EVERY_MS) return;
    if (send({ type: "typing" })) lastTypingSent = now;
  }

  function onTyping() {
    if (!typingLine) return;
    typingLine.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_SHOWN_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    if (typingLine) typingLine.hidden = true;
  }

  // --- Errors -------------------------------------------------------------------------------

  function showError(message) {
    errorLine.textContent = message;
  }

  function onError(frame) {
    if (observer && frame.ref && pendingWhispers.has(frame.ref)) {
      // The whisper was refused: its text goes back into the box.
      if (!whisperInput.value) whisperInput.value = pendingWhispers.get(frame.ref);
      pendingWhispers.delete(frame.ref);
      whisperError.textContent = ERRORS[frame.code] || text.errorOther;
      return;
    }
    if (observer && !joined && frame.code !== "rate_limited" && frame.code !== "unavailable") {
      whisperError.textContent = ERRORS[frame.code] || text.errorOther;
      return;
    }
    const waiting = frame.ref && outbox.has(frame.ref);
    // Too fast, or the server could not reach its database or Redis for a moment: keep
    // the message in the outbox and send it again with the same id (stored once).
    if (frame.code === "rate_limited" || frame.code === "unavailable") {
      if (waiting) {
        setTimeout(
          () => {
            const body = outbox.get(frame.ref);
            if (body !== undefined) send({ type: "message.send", id: frame.ref, body });
          },
          frame.code === "unavailable" ? UNAVAILABLE_RETRY_MS : RATE_LIMITED_RETRY_MS,
        );
      }
      return;
    }
    if (waiting) {
      // Refused for good: hand the text back rather than keep trying (but never a passphrase).
      const body = outbox.get(frame.ref);
      outbox.delete(frame.ref);
      items.get(frame.ref).remove();
      items.delete(frame.ref);
      if (!input.value && frame.code !== "passphrase") input.value = body;
    }
    showError(ERRORS[frame.code] || text.errorOther);
    if (frame.code === "ended") showEnded();
  }

  // --- The socket -----------------------------------------------------------------------------

  const HANDLERS = {
    message: onMessage,
    ack: onAck,
    resumed: (frame) => {
      caughtUp = true;
      showState(frame.state, frame.position, frame.wait_minutes, frame.left);
      if (observer && !ended) showJoined(Boolean(frame.joined));
    },
    event: onEvent,
    whisper: onWhisper,
    typing: onTyping,
    read: onRead,
    error: onError,
  };

  function stop() {
    clearTimeout(waitingTimer);
    link.stop();
  }

  form.addEventListener("submit", submit);
  input.addEventListener("input", onInput);
  input.addEventListener("input", fitInput);
  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  function endChat() {
    if (!send({ type: "end" })) showError(text.msgNoConnection);
  }

  if (endForm) {
    // The visitor is asked first; without <dialog> support the browser's own confirm asks.
    endForm.addEventListener("submit", (event) => {
      event.preventDefault();
      if (ended) return;
      if (!endDialog?.showModal) {
        if (window.confirm(endDialog.querySelector("h2").textContent)) endChat();
        return;
      }
      endDialog.returnValue = "";
      endDialog.showModal();
    });
    endDialog?.addEventListener("close", () => {
      if (endDialog.returnValue === "end") endChat();
    });
    endForm.hidden = false;
    // The on-screen keyboard opening over the box: keep the newest messages in sight.
    window.visualViewport?.addEventListener("resize", () => {
      if (document.activeElement === input) scrollToEnd();
    });
    // The consent card (static/js/referral-card.js) says when it was answered: back to the box.
    document.addEventListener("card:answered", () => {
      if (!ended && !form.hidden) input.focus();
    });
  } else {
    endButton?.addEventListener("click", endChat);
  }
  whisperForm?.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = whisperInput.value.trim();
    if (!body || ended) return;
    const id = newId();
    if (!send({ type: "whisper", id, body })) {
      whisperError.textContent = text.msgNoConnection;
      return;
    }
    pendingWhispers.set(id, body);
    whisperInput.value = "";
    whisperError.textContent = "";
  });
  whisperInput?.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      whisperForm.requestSubmit();
    }
  });
  joinButton?.addEventListener("click", () => {
    if (!send({ type: "join" })) whisperError.textContent = text.msgNoConnection;
  });
  leaveButton?.addEventListener("click", () => {
    if (!send({ type: "leave" })) showError(text.msgNoConnection);
  });

  document.addEventListener("visibilitychange", markRead);

  // An observer writes to the visitor only after joining (the first `resumed` says).
  form.hidden = observer;
  // What is typed while the connection is gone waits in the outbox; the visitor sees that
  // it is gone (socket.js drops a socket at once when the browser goes offline).
  link = keepOpen(`/ws/chat/${text.conversation}/`, {
    onOpen: (current) => {
      if (!offlineNotice.hidden) announce(text.msgReconnected);
      offlineNotice.hidden = true;
      send({ type: "resume", after: contiguous });
      flushOutbox(current);
    },
    onFrame: (frame) => {
      const handler = HANDLERS[frame.type];
      if (handler) handler(frame);
      else emit("chat:frame", frame);
    },
    onLost: () => {
      if (offlineNotice.hidden) announce(offlineNotice.firstChild.textContent.trim());
      offlineNotice.hidden = false;
      clearTimeout(waitingTimer);
    },
    onRefused: (code) => refuse(null, code),
  });
}

// The visitor's chat page fills the visible screen. Where the on-screen keyboard only
// shrinks the visual viewport (browsers that ignore interactive-widget in the viewport
// meta), the page takes that height, so the message box stays above the keyboard.
function fitToVisualViewport() {
  const view = window.visualViewport;
  if (!view || !document.body.classList.contains("chat-page")) return;
  const fit = () => {
    // Zoomed in with two fingers, the visual viewport is a part of the page, not the screen.
    if (Math.abs(view.scale - 1) > 0.01) return;
    document.documentElement.style.setProperty("--chat-height", `${Math.round(view.height)}px`);
  };
  view.addEventListener("resize", fit);
  fit();
}

fitToVisualViewport();
for (const root of document.querySelectorAll("[data-chat]")) startChat(root);
