// Progressive enhancement for the booking form's "Repeats": says in words what was chosen ("Every Tuesday,
// 10:00–11:00 (Europe/London), 12 times, until 25 Feb 2027") while the user chooses. Without it the words show
// when the form is sent.
(() => {
  const out = document.getElementById('repeat-words');
  const form = out && out.closest('form');
  if (!form) return;
  const fields = ['roomId', 'date', 'start', 'end', 'repeat', 'repeatInterval', 'repeatDays', 'repeatEnd', 'repeatCount', 'repeatUntil'];
  let latest = 0;
  const update = async () => {
    const data = new FormData(form);
    if ((data.get('repeat') || 'none') === 'none') return void (out.textContent = '');
    const q = new URLSearchParams();
    for (const name of fields) for (const v of data.getAll(name)) if (typeof v === 'string' && v !== '') q.append(name, v);
    const mine = ++latest;
    try {
      const res = await fetch('/bookings/series-words?' + q.toString(), { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const body = await res.json();
      if (mine !== latest) return;
      out.textContent = body.words ? body.words + '.' : body.problems ? Object.values(body.problems).join(' ') : '';
    } catch {
      // Offline or signed out: the form still says it when sent.
    }
  };
  form.addEventListener('change', update);
  form.addEventListener('input', (e) => {
    if (e.target && /^repeat/.test(e.target.name || '')) update();
  });
  update();
})();
