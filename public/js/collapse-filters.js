// Phone first (issue 16): on a narrow screen the schedule's filters start folded behind their button, so the grid is
// right under the date. Wide screens and browsers without JavaScript keep them open.
if (window.matchMedia('(max-width: 40rem)').matches) {
  document.querySelectorAll('details.filters-fold[open]').forEach((d) => d.removeAttribute('open'));
}
