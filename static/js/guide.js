// Hulpwijzer in place: every step is already in the page; answering shows the next one.
// The path lives only in this script's memory: no request, no URL change, no storage.

const guide = document.querySelector("[data-guide]");
const nav = guide.querySelector("[data-guide-nav]");
const start = document.getElementById(guide.dataset.start);
const trail = [];
let current = start;

function show(section) {
  current.hidden = true;
  section.hidden = false;
  current = section;
  nav.hidden = trail.length === 0;
  section.querySelector("h2").focus();
}

guide.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-target]");
  if (!link) return;
  const next = document.getElementById(link.dataset.target);
  if (!next) return; // let the link open the step as a page
  event.preventDefault();
  trail.push(current);
  show(next);
});

guide.querySelector("[data-guide-back]").addEventListener("click", () => {
  if (trail.length) show(trail.pop());
});

guide.querySelector("[data-guide-restart]").addEventListener("click", () => {
  trail.length = 0;
  show(start);
});
