// Progressive enhancement: beside each attendee box, an input that suggests the organisation's people as you
// type (from the page's <datalist>) and adds the chosen address to the box. Without JavaScript the boxes work alone.
const messages = JSON.parse(document.getElementById('roombook-messages')?.textContent || '{}');
const say = (key, values = {}) => (messages[key] || '').replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
document.querySelectorAll('textarea[data-suggest]').forEach((box) => {
  const list = box.getAttribute('data-suggest');
  const input = document.createElement('input');
  input.type = 'email';
  input.id = box.id + '-add';
  input.setAttribute('list', list);
  input.placeholder = say('client.attendee_placeholder');
  input.className = 'suggest-input';
  // Every field has a visible label, the added one too.
  const label = document.createElement('label');
  label.htmlFor = input.id;
  label.className = 'suggest-label';
  label.textContent = say('client.attendee_label', { list: document.querySelector('label[for="' + box.id + '"]')?.textContent ?? say('client.attendees') });
  const add = () => {
    const value = input.value.trim();
    if (!value) return;
    const current = box.value.split(/[\s,;]+/).filter(Boolean);
    if (!current.includes(value.toLowerCase())) box.value = [...current, value].join('\n');
    input.value = '';
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add();
    }
  });
  input.addEventListener('change', () => {
    const options = document.getElementById(list)?.querySelectorAll('option') ?? [];
    if ([...options].some((o) => o.value === input.value)) add();
  });
  box.insertAdjacentElement('afterend', input);
  box.insertAdjacentElement('afterend', label);
});
