// Reply waits and queue waits count on between page updates. The server decides who waits
// since when and at which moments a wait turns amber and red (chat/reply_waits.py, in the
// data- attributes); this only counts the seconds and colours at those moments, on the
// server's clock (root's data-now), so a browser whose clock is off shows the same.

function elapsed(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function keepCounting(root) {
  const offset = Date.parse(root.dataset.now) - Date.now() || 0;

  function tick() {
    const now = Date.now() + offset;
    for (const timer of root.querySelectorAll("[data-wait]")) {
      const red = now >= Date.parse(timer.dataset.redAt);
      const amber = !red && now >= Date.parse(timer.dataset.amberAt);
      timer.classList.toggle("wait--red", red);
      timer.classList.toggle("wait--amber", amber);
      timer.classList.toggle("wait--ok", !red && !amber);
      // Not by colour alone: the words say it too.
      const level = red ? root.dataset.waitRed : amber ? root.dataset.waitAmber : "";
      const since = elapsed((now - Date.parse(timer.dataset.since)) / 1000);
      timer.querySelector("[data-wait-for]").textContent = level ? `${since}, ${level}` : since;
    }
    for (const timer of root.querySelectorAll("[data-queue-list] [data-since]:not([data-wait])")) {
      timer.textContent = elapsed((now - Date.parse(timer.dataset.since)) / 1000);
    }
  }

  setInterval(tick, 1000);
  tick();
  return tick;
}
