// Progressive enhancement: reload the timeline every 30 s in place, so new bookings appear within a minute without
// losing the page's or the timeline's scroll position. Without JavaScript the "Refresh now" link does the same.
(() => {
  const INTERVAL_MS = 30_000;
  const timeline = document.getElementById('timeline');
  if (!timeline) return;
  const status = document.getElementById('sched-status');

  async function refresh() {
    // Skip while the reader is keyboard-focused inside the timeline: replacing it would move their focus.
    if (document.hidden || timeline.contains(document.activeElement)) return;
    try {
      const res = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok || res.redirected) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('timeline');
      if (!fresh) return;
      const scrolls = [...timeline.querySelectorAll('.tl')].map((el) => el.scrollLeft);
      const y = window.scrollY;
      timeline.replaceChildren(...fresh.childNodes);
      timeline.querySelectorAll('.tl').forEach((el, i) => (el.scrollLeft = scrolls[i] ?? 0));
      window.scrollTo(window.scrollX, y);
      const freshStatus = doc.getElementById('sched-status');
      if (status && freshStatus) status.replaceChildren(...freshStatus.childNodes);
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  }
  setInterval(refresh, INTERVAL_MS);
})();
