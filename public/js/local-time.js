// Progressive enhancement: when the reader's own time zone differs from the room's, show times in theirs too.
(() => {
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Offset of a zone at an instant, in minutes, via Intl (no library needed in the browser).
  const offset = (zone, instant) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(instant).map((p) => [p.type, p.value]));
    return (Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute) - instant.getTime()) / 60000;
  };
  // Only worth saying when the reader's clock shows a different time than the room's.
  const differs = (zone, instant) => zone !== mine && offset(zone, instant) !== offset(mine, instant);
  const hhmm = (d) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  // A booking page: <span class="local-time" data-zone data-start data-end> with UTC instants.
  document.querySelectorAll('span.local-time[data-start]').forEach((el) => {
    const start = new Date(el.dataset.start);
    if (!differs(el.dataset.zone, start)) return;
    const end = new Date(el.dataset.end);
    el.textContent = '= ' + start.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' }) + ' ' + hhmm(start) + '–' + hhmm(end) + ' your time (' + mine + ')';
    el.hidden = false;
  });

  // The booking form: convert the chosen date and start in the chosen room's zone.
  const out = document.querySelector('form p.local-time');
  const room = document.getElementById('roomId');
  const date = document.getElementById('date');
  const start = document.getElementById('start');
  if (!out || !room || !date || !start) return;
  const update = () => {
    const zone = room.selectedOptions[0]?.getAttribute('data-zone');
    if (!zone || !date.value || !start.value) return void (out.hidden = true);
    const guess = new Date(date.value + 'T' + start.value + 'Z');
    const instant = new Date(guess.getTime() - offset(zone, guess) * 60000);
    if (!differs(zone, instant)) return void (out.hidden = true);
    out.textContent = 'That is ' + instant.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' }) + ' in your time zone (' + mine + ').';
    out.hidden = false;
  };
  [room, date, start].forEach((el) => el.addEventListener('change', update));
  update();
})();
