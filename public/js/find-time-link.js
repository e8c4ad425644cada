// Progressive enhancement: the booking form's "Find a time" link carries the attendees, subject and duration typed
// so far (never the form's hidden keys). Without JavaScript the link opens an empty find-a-time form.
document.querySelectorAll('a[data-find-time]').forEach((link) => {
  link.addEventListener('click', (event) => {
    const form = link.closest('form');
    if (!form) return;
    const value = (name) => form.elements.namedItem(name)?.value ?? '';
    const q = new URLSearchParams({ required: value('required'), optional: value('optional'), subject: value('subject') });
    const [sh, sm] = value('start').split(':').map(Number);
    const [eh, em] = value('end').split(':').map(Number);
    const minutes = eh * 60 + em - (sh * 60 + sm);
    q.set('duration', String(minutes >= 15 && minutes <= 480 ? Math.round(minutes / 15) * 15 : 60));
    if (value('date')) q.set('from', value('date'));
    event.preventDefault();
    window.location.href = '/find-time?' + q.toString();
  });
});
