// Progressive enhancement: a Print button on the print view (the browser's own Print works without it).
(() => {
  const button = document.getElementById('print-now');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', () => window.print());
})();
