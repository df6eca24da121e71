// The chat's intake: answering "Ja" to "in direct gevaar" shows the 112 box at once.
// The chat stays open to them; without this script the 112 line under the question stays.

const form = document.querySelector("form.intake");
const alertBox = document.querySelector("[data-danger-alert]");

function update() {
  const danger = form.querySelector('input[name="in_danger"]:checked')?.value === "yes";
  if (danger && alertBox.hidden) {
    // role=alert has it read out as soon as it appears.
    alertBox.setAttribute("role", "alert");
    alertBox.hidden = false;
  } else if (!danger) {
    alertBox.hidden = true;
    alertBox.removeAttribute("role");
  }
}

if (form && alertBox) {
  form.addEventListener("change", update);
  update();
}

// The chat's every step is one history entry (issue #15, item 5): a form post would add
// one (Chromium pushes a POST even to the same address), so the intake is posted in the
// background and the chat it leads to replaces this page. Back, and the history list of a
// watched device, then skip the chat's steps; the quick exit replaces that one entry.
// Without this script the form posts as usual.
async function postInPlace(event) {
  event.preventDefault();
  const button = event.submitter;
  if (button) button.disabled = true;
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    form.submit(); // no answer at all: post as usual and let the browser say what went wrong
    return;
  }
  if (button) button.disabled = false;
  if (response.redirected) {
    window.location.replace(response.url);
    return;
  }
  // No chat was opened (a remark on the form, a full queue): post as usual, so the answer
  // is a page of its own with its scripts. The server decides the same again; only this
  // rare path adds a history entry.
  form.submit();
}

if (form) form.addEventListener("submit", postInPlace);
