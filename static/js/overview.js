// The supervisors' overview: queue.js keeps it current; this says so when a counsellor
// asks for help, in the page title and, where the browser allows, with a short tone.

import { tone } from "./tone.js";

const root = document.querySelector("[data-overview]");

function showTitle(helpCount) {
  document.title = helpCount > 0 ? `(!) ${root.dataset.title}` : root.dataset.title;
}

if (root) {
  document.addEventListener("queue:help", () => tone(880, 0.5));
  document.addEventListener("queue:refreshed", (event) => {
    showTitle(Number(event.detail.help || 0));
  });
  showTitle(Number(document.querySelector("[data-queue-list]")?.dataset.help || 0));
}
