// Follow-up appointments in the counsellor's workspace (chat/appointments.py).
//
// The side panel's "Vervolgafspraak voorstellen" form and the list's "Verzetten" and
// "Afzeggen" forms post by fetch (X-Requested-With: fetch), so the chats' sockets and what
// is typed in them stay; the server answers with the part itself (the form with what was
// wrong, or the list with what happened), which takes the place named by the form's
// data-appointment-form. When the chat's socket says {type: "appointment"} (the client
// answered), the chat's part is fetched again. Without this script the forms post normally.

const workspace = document.querySelector("[data-workspace]") || document;

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
  const selector = form.dataset.appointmentForm;
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
});

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
  swap(now, await response.text(), selector);
}

// The client answered (or a time moved): this chat's part, and the list of appointments.
workspace.addEventListener("chat:frame", (event) => {
  if (!event.detail || event.detail.type !== "appointment") return;
  const id = event.target.closest("[data-panel]")?.dataset.panel;
  const side = id && document.querySelector(`[data-appointment-side='${id}']`);
  if (side) refresh(`[data-appointment-side='${id}']`, side.dataset.src);
  const list = document.querySelector("[data-appointment-list-box]");
  if (list) refresh("[data-appointment-list-box]", list.dataset.src);
});
