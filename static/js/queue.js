// The counsellor's queue, kept fresh by fetching this same page every 10 seconds and
// swapping in its list. A plain first version: the live queue over a socket comes later.

const REFRESH_MS = 10000;
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
  if (focusKey) section.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  const freshCount = page.querySelector("[data-queue-count]");
  if (count && freshCount && count.textContent !== freshCount.textContent) {
    count.textContent = freshCount.textContent;
  }
}

if (section) {
  setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", refresh);
}
