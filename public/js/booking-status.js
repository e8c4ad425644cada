// Progressive enhancement for the booking page: asks /bookings/:id/status every 2 s while Exchange works or the room
// has not answered, and updates the status region in place (aria-live="polite"). Without JavaScript the page keeps
// its "Refresh now" link (and the meta refresh while Exchange works).
(() => {
  const INTERVAL_MS = 2_000;
  const MAX_MS = 15 * 60_000; // a room that never answers: stop asking; the link still works
  const region = document.querySelector('[data-status-url]');
  if (!region || region.getAttribute('data-live') !== '1') return;
  const url = region.getAttribute('data-status-url');
  const startState = region.getAttribute('data-state');
  const started = Date.now();
  const field = (root, name) => root.querySelector(`[data-field="${name}"]`);
  const setText = (el, text) => {
    if (el && el.textContent !== text) el.textContent = text;
  };

  function apply(s) {
    // States the page shows with other parts (failed reason, declined notice, buttons) come with a reload.
    if (s.state !== startState && s.state !== 'booked') {
      location.reload();
      return false;
    }
    const badge = field(document, 'state')?.querySelector('.state');
    if (badge) {
      badge.className = `state state-${s.state}`;
      setText(badge, s.stateLabel);
    }
    const submitted = field(region, 'submitted');
    if (submitted && s.submittedAt) {
      submitted.className = 'done';
      setText(submitted, s.submittedText);
    }
    const room = field(region, 'room');
    if (room) room.className = s.roomResponseCode === 'accepted' ? 'done' : s.roomResponseCode === 'declined' ? 'bad' : 'todo';
    setText(room?.querySelector('strong'), s.roomResponse);
    setText(field(region, 'roomResponseAt'), s.roomResponseAt ? ` (${s.roomResponseAt})` : '');
    setText(field(region, 'roomChecked'), s.roomChecked);
    if (s.answersRead) setText(field(region, 'answersRead'), s.answersRead);
    for (const a of s.attendees) {
      const row = document.querySelector(`tr[data-attendee="${CSS.escape(a.email.toLowerCase())}"]`);
      if (row) setText(field(row, 'response'), a.response);
    }
    return s.live;
  }

  async function tick() {
    if (Date.now() - started > MAX_MS) return;
    let again = true;
    if (!document.hidden) {
      try {
        const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
        if (res.ok && !res.redirected) again = apply(await res.json());
      } catch {
        // Offline for a moment: the next tick tries again.
      }
    }
    if (again) setTimeout(tick, INTERVAL_MS);
  }
  setTimeout(tick, INTERVAL_MS);
})();
