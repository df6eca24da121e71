// The waiting view's line about the counsellor a returning client waits for
// (templates/chat/includes/asked_for_note.html, chat/returning.py). While the chat waits it
// is fetched again now and then, so "die hulpverlener is nu niet aan het werk" shows without
// a reload; "Nu praten met wie er vrij is" posts in the background, so the chat's socket stays.
// Without this script the form posts the page and the no-script page refreshes itself.

const REFRESH_MS = 15000;
const note = document.querySelector("[data-asked-note]");
let shown = null; // the part's markup as last fetched

async function refresh() {
  let response;
  try {
    response = await fetch(note.dataset.src, { credentials: "same-origin", cache: "no-store" });
  } catch {
    return true;
  }
  if (!response.ok || response.redirected) return false;
  const html = (await response.text()).trim();
  if (html !== shown) {
    // Parsed, never assigned as markup: the part is our own server's, swapped node by node.
    const part = new DOMParser().parseFromString(html, "text/html");
    note.replaceChildren(...[...part.body.childNodes].map((node) => document.importNode(node, true)));
    shown = html;
  }
  return html !== "";
}

async function loop() {
  if (await refresh()) setTimeout(loop, REFRESH_MS);
}

if (note) {
  note.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-asked-switch]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) throw new Error(String(response.status));
    } catch {
      form.submit();
      return;
    }
    await refresh();
  });
  setTimeout(loop, REFRESH_MS);
}
