// Follow-up appointments in the counsellor's workspace (chat/appointments.py).
//
// The side panel's "Vervolgafspraak voorstellen" form and the list's "Verzetten" and
// "Afzeggen" forms post by fetch (X-Requested-With: fetch), so the chats' sockets and what
// is typed in them stay; the server answers with the part itself (the form with what was
// wrong, or the list with what happened), which takes the place named by the form's
// data-appointment-form. When the chat's socket says {type: "appointment"} (the client
// answered), the chat's part is fetched again. Without this script the forms post normally.

const workspace = document.querySelector("[data-workspace]") || document;
// While a form of ours is on its way, the part it answers with is the fresher one.
let posting = 0;

function swap(current, html, selector) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const fresh = page.querySelector(selector) || page.body.firstElementChild;
  if (!fresh || !current) return null;
  current.replaceWith(document.importNode(fresh, true));
  return document.querySelector(selector);
}

workspace.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-appointment-form]");
  if (!form) return;
  event.preventDefault();
  posting += 1;
  try {
    await post(form, form.dataset.appointmentForm);
  } finally {
    posting -= 1;
  }
});

async function post(form, selector) {
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
  } catch {
    form.submit();
    return;
  }
  if (!response.ok || response.url.includes("/inloggen/")) {
    form.submit();
    return;
  }
  const fresh = swap(form.closest(selector), await response.text(), selector);
  if (!fresh) return;
  // What happened, or what was wrong, is read out from where the focus goes.
  const said = fresh.querySelector("[role=alert], .field__error, [role=status]");
  if (said) said.tabIndex = -1;
  (said || fresh).focus({ preventScroll: true });
  (said || fresh).scrollIntoView({ block: "nearest" });
  // A proposal from a chat's side panel belongs in the workspace's list too.
  const list = document.querySelector("[data-appointment-list-box]");
  if (list && !fresh.matches("[data-appointment-list-box]")) {
    refresh("[data-appointment-list-box]", list.dataset.src);
  }
}

async function refresh(selector, url) {
  const current = document.querySelector(selector);
  if (!current) return;
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  } catch {
    return;
  }
  if (!response.ok || response.redirected) return;
  // Not while the counsellor is filling in a form there: that stays as it is.
  const now = document.querySelector(selector);
  if (!now || (now.contains(document.activeElement) && document.activeElement.matches("input"))) {
    return;
  }
  const hadFocus = now.contains(document.activeElement);
  const fresh = swap(now, await response.text(), selector);
  if (fresh && hadFocus) fresh.focus({ preventScroll: true });
}

// The client answered (or a time moved): this chat's part, and the list of appointments.
workspace.addEventListener("chat:frame", (event) => {
  if (!event.detail || event.detail.type !== "appointment") return;
  const id = event.target.closest("[data-panel]")?.dataset.panel;
  const side = id && document.querySelector(`[data-appointment-side='${id}']`);
  // Its own proposal is shown already, with what happened: nothing to fetch.
  const row = side?.querySelector(`[data-appointment-row='${event.detail.appointment}']`);
  if (side && !posting && row?.dataset.state !== event.detail.state) {
    refresh(`[data-appointment-side='${id}']`, side.dataset.src);
  }
  const list = document.querySelector("[data-appointment-list-box]");
  if (list) refresh("[data-appointment-list-box]", list.dataset.src);
});
