// Reloads a page that is waiting for Exchange (a booking on its way) every few seconds, while the page is visible.
(() => {
  const seconds = Number(document.querySelector('meta[name="roombook-refresh"]')?.getAttribute('content'));
  if (!seconds) return;
  const schedule = () => setTimeout(() => (document.hidden ? schedule() : location.reload()), seconds * 1000);
  schedule();
})();
