// When the cards in the visitor's chat are fetched again (referral-card.js for consent,
// appointment-card.js for follow-ups): a frame of their own kind arrived (chat.js passes
// such frames on as "chat:frame"), the page is seen again, or the browser is back online;
// and once at the start, for what changed while the page was not open.
export function refreshOn(type, refresh) {
  document.addEventListener("chat:frame", (event) => {
    if (event.detail && event.detail.type === type) refresh();
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  window.addEventListener("online", refresh);
  refresh();
}
