// Progressive enhancement: when the reader's own time zone differs from the room's, show times in theirs too.
(() => {
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // The page's language decides the words and the date forms (English pages use British forms and a 24-hour clock).
  const lang = document.documentElement.lang === 'hu' ? 'hu' : 'en-GB';
  const messages = JSON.parse(document.getElementById('roombook-messages')?.textContent || '{}');
  const say = (key, values) => (messages[key] || '').replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
  // Offset of a zone at an instant, in minutes, via Intl (no library needed in the browser).
  const offset = (zone, instant) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(instant)
        .map((p) => [p.type, p.value]),
    );
    return (Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute) - instant.getTime()) / 60000;
  };
  // Only worth saying when the reader's clock shows a different time than the room's.
  const differs = (zone, instant) => zone !== mine && offset(zone, instant) !== offset(mine, instant);
  // The reader's zone by its name in the page's language ("Eastern Time", hu "keleti államokbeli idő"), not its id;
  // a zone without a generic name (UTC: "GMT+00:00") keeps its id.
  const zoneName = (zone, at) => {
    try {
      const name = new Intl.DateTimeFormat(lang, { timeZone: zone, timeZoneName: 'longGeneric' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value;
      return name && !/^GMT/.test(name) ? name : zone;
    } catch {
      return zone;
    }
  };
  const hhmm = (d) => d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  // A booking page: <span class="local-time" data-zone data-start data-end> with UTC instants.
  document.querySelectorAll('span.local-time[data-start]').forEach((el) => {
    const start = new Date(el.dataset.start);
    if (!differs(el.dataset.zone, start)) return;
    const end = new Date(el.dataset.end);
    el.textContent = say('client.local_time_booking', {
      day: start.toLocaleDateString(lang, { weekday: 'short', day: 'numeric', month: 'short' }),
      times: hhmm(start) + '–' + hhmm(end),
      zone: zoneName(mine, start),
    });
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
    out.textContent = say('client.local_time_form', {
      time: instant.toLocaleString(lang, { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      zone: zoneName(mine, instant),
    });
    out.hidden = false;
  };
  [room, date, start].forEach((el) => el.addEventListener('change', update));
  update();
})();
