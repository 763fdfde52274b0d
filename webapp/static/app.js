// The login's few lines of browser code. The server stays the judge of everything; this only
// spares it work an idle page should not cost (webapp/theme.py loads it on every page).
(() => {
  "use strict";

  // Countdowns run here, not on the server: an element with data-countdown="<seconds>" shows
  // data-template with {time} (m:ss) or {seconds}, then data-expired once the time is up.
  const deadlines = new WeakMap();
  const format = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  const tick = () => {
    for (const element of document.querySelectorAll("[data-countdown]")) {
      const key = element.dataset.countdown;
      let known = deadlines.get(element);
      if (!known || known.key !== key) {
        known = { key, end: Date.now() + Number(key) * 1000 };
        deadlines.set(element, known);
      }
      const left = Math.max(0, Math.ceil((known.end - Date.now()) / 1000));
      const text = left > 0
        ? (element.dataset.template || "").replace("{time}", format(left)).replace("{seconds}", String(left))
        : element.dataset.expired || "";
      if (element.textContent !== text) element.textContent = text;
    }
  };
  setInterval(tick, 1000);
  new MutationObserver(tick).observe(document.documentElement, { childList: true, subtree: true });

  // The browser's time zone, so the server writes times the way the user reads them.
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && zone.length <= 64 && /^[A-Za-z0-9_+\-\/]+$/.test(zone)) {
      const secure = location.protocol === "https:" ? "; secure" : "";
      document.cookie = `tz=${zone}; path=/; max-age=31536000; samesite=lax${secure}`;
    }
  } catch (error) {
    // no Intl: times stay in UTC
  }

  // A step shown in place pushed its URL: Back (or Forward) loads the page the URL names.
  window.addEventListener("popstate", () => location.reload());

  // A page without a field to type into puts focus on its heading, for screen readers.
  const focusHeading = () => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const target = document.querySelector("[data-focus-on-load]");
    if (target) target.focus({ preventScroll: true });
  };
  let tries = 0;
  const waitForPage = setInterval(() => {
    tries += 1;
    if (document.querySelector("[data-focus-on-load]") || tries > 40) {
      clearInterval(waitForPage);
      setTimeout(focusHeading, 50);
    }
  }, 50);
})();
