// The supervisors' overview: queue.js keeps it current; this says so when a counsellor
// asks for help or a referral waits for review, in the page title and, where the browser
// allows, with a short tone.

import { keepCounting } from "./reply-waits.js";
import { tone } from "./tone.js";

const root = document.querySelector("[data-overview]");

function showTitle(data) {
  const waiting = Number(data.help || 0) + Number(data.reviews || 0);
  document.title = waiting > 0 ? `(!) ${root.dataset.title}` : root.dataset.title;
}

if (root) {
  document.addEventListener("queue:help", () => tone(880, 0.5));
  document.addEventListener("queue:refreshed", (event) => {
    showTitle(event.detail);
  });
  showTitle(document.querySelector("[data-queue-list]")?.dataset || {});
  keepCounting(root);
}
