// Progressive enhancement: a ticking clock in the room's zone between the page's own 30-second reloads.
(() => {
  const clock = document.getElementById('clock');
  if (!clock || !clock.hasAttribute('data-tick')) return;
  const format = new Intl.DateTimeFormat('en-GB', { timeZone: clock.dataset.zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const tick = () => (clock.textContent = format.format(new Date()));
  tick();
  setInterval(tick, 1000);
})();
