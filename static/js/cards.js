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

// A card in the message list by seq, as chat.js places messages: after the last message
// said before it was asked (`afterSeq`), messages on their way (no seq yet) staying last.
// `fraction` keeps kinds of card that follow the same message in a fixed order.
export function placeInList(list, element, afterSeq, fraction) {
  element.dataset.seq = `${afterSeq || 0}.${fraction}`;
  const seq = Number(element.dataset.seq);
  const later = [...list.children].find(
    (other) => other !== element && (!other.dataset.seq || Number(other.dataset.seq) > seq),
  );
  if (element.parentNode === list && element.nextElementSibling === (later || null)) return;
  list.insertBefore(element, later || null);
}
