// Door display: a ticking clock in the room's zone, and a reload every `data-refresh` seconds so the status stays
// current (done here rather than with a meta refresh, which accessibility checkers rightly flag; <noscript> keeps one).
(() => {
  const seconds = Number(document.body.dataset.refresh) || 30;
  // The reload drops `said` (what the last door action answered), so "Booked" is not shown again and again.
  setTimeout(() => {
    const url = new URL(location.href);
    url.searchParams.delete('said');
    location.replace(url.href);
  }, seconds * 1000);
  const clock = document.getElementById('clock');
  if (!clock || !clock.hasAttribute('data-tick')) return;
  const format = new Intl.DateTimeFormat('en-GB', { timeZone: clock.dataset.zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const tick = () => (clock.textContent = format.format(new Date()));
  tick();
  setInterval(tick, 1000);
})();
