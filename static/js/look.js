// A supervisor's live look: chat.js keeps the chat itself current (the socket, messages,
// whispers, joining); this keeps the facts beside it current from the widget's events:
// the state when the chat ends, who joined openly, and who answered a call for help.

const root = document.querySelector("[data-look]");

function setText(selector, value) {
  const element = root.querySelector(selector);
  if (element) element.textContent = value;
}

if (root) {
  const text = root.dataset;
  const seconds = new Set(
    [...root.querySelectorAll("[data-look-second]")].flatMap((element) =>
      element.textContent.trim() === text.secondNone ? [] : element.textContent.split(", ").map((n) => n.trim()),
    ),
  );

  root.addEventListener("chat:ended", () => setText("[data-look-state]", text.stateEnded));
  root.addEventListener("chat:frame", (event) => {
    const frame = event.detail;
    if (frame.event === "second.joined") seconds.add(frame.by);
    else if (frame.event === "second.left") seconds.delete(frame.by);
    else if (frame.event === "help.answered") {
      setText("[data-look-help]", text.answered.replace("{name}", frame.by));
      return;
    } else return;
    setText("[data-look-second]", seconds.size ? [...seconds].join(", ") : text.secondNone);
  });
}
