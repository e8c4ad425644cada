// Progressive enhancement (issue 16): the booking form's "Who is free" panel. On request, and again when the date,
// room or times change once it is shown, it asks GET /find-time/rows (one free/busy request for the organizer, the
// attendees typed and the rooms) and shows the rows the server drew. Without JavaScript the panel stays hidden and
// the "Find a time" link above does the same job on its own page.
document.querySelectorAll('[data-form-freebusy]').forEach((panel) => {
  const form = panel.closest('form');
  if (!form) return;
  const button = panel.querySelector('[data-form-freebusy-show]');
  const rows = panel.querySelector('[data-form-freebusy-rows]');
  const value = (name) => form.elements.namedItem(name)?.value ?? '';
  let shown = false;
  let asked = 0;
  const load = async () => {
    if (!value('date')) return;
    const q = new URLSearchParams({
      date: value('date'),
      roomId: value('roomId'),
      start: value('start'),
      end: value('end'),
      required: value('required'),
      optional: value('optional'),
    });
    const mine = ++asked;
    rows.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch('/find-time/rows?' + q.toString(), { credentials: 'same-origin', headers: { accept: 'text/html' } });
      const html = await res.text();
      // An older answer arriving after a newer one is dropped.
      if (mine === asked) rows.innerHTML = html;
    } finally {
      if (mine === asked) rows.removeAttribute('aria-busy');
    }
  };
  panel.hidden = false;
  button.addEventListener('click', () => {
    shown = true;
    void load();
  });
  for (const name of ['date', 'roomId', 'start', 'end', 'required', 'optional']) {
    form.elements.namedItem(name)?.addEventListener('change', () => {
      if (shown) void load();
    });
  }
});
