// Reloads a page that is waiting for Exchange (a booking on its way) every few seconds, while the page is visible.
(() => {
  const seconds = Number(document.querySelector('meta[name="roombook-refresh"]')?.getAttribute('content'));
  // A page with its own live status (booking-status.js) updates in place instead of reloading.
  if (!seconds || document.querySelector('[data-status-url][data-live="1"]')) return;
  const schedule = () => setTimeout(() => (document.hidden ? schedule() : location.reload()), seconds * 1000);
  schedule();
})();
