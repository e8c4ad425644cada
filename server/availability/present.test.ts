import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bookingLink, cellsMarkup, presentStrip, slotLabel } from './present.ts';

test('presentStrip() names the busy cells for screen readers and gives each cell its classes and tooltip', () => {
  const view = presentStrip('Tyne', [
    { label: '08:00', busy: true, chosen: false },
    { label: '08:30', busy: false, chosen: true },
  ]);
  assert.equal(view.ariaLabel, 'Day at a glance for Tyne: 08:00 busy');
  assert.deepEqual(view.cells, [
    { className: 'cell busy', title: '08:00 busy' },
    { className: 'cell chosen', title: '08:30 free' },
  ]);
  assert.deepEqual([view.firstLabel, view.lastLabel], ['08:00', '08:30']);
  assert.equal(presentStrip('Cam', [{ label: '09:00', busy: false, chosen: false }]).ariaLabel, 'Day at a glance for Cam: free all day');
});

test('slot labels and booking links are in the room zone, across midnight UTC', () => {
  const room = { id: 7, timeZone: 'Europe/Budapest' };
  const slot = { start: Date.parse('2026-10-24T22:30:00Z'), end: Date.parse('2026-10-25T00:30:00Z') };
  assert.equal(slotLabel(room, slot), '00:30–02:30');
  assert.equal(bookingLink(room, slot), '/bookings/new?roomId=7&date=2026-10-25&start=00%3A30&end=02%3A30');
});

test('presentStrip() gives the cells as escaped markup, the same as printing them one by one', () => {
  const view = presentStrip('Tyne', [
    { label: '09:00', busy: true, chosen: false },
    { label: '09:30', busy: false, chosen: true },
  ]);
  assert.equal(view.cellsHtml, '<span class="cell busy" title="09:00 busy"></span><span class="cell chosen" title="09:30 free"></span>');
  assert.equal(presentStrip('x', [{ label: '<b>"', busy: false, chosen: false }]).cellsHtml, '<span class="cell" title="&lt;b&gt;&#34; free"></span>');
});

test('presentStrip() writes the two-hourly scale (even hours labelled) and cellsMarkup() escapes each cell', () => {
  const labels = ['07:30', '08:00', '08:30', '09:00', '10:00'];
  const view = presentStrip(
    'Tyne',
    labels.map((label) => ({ label, busy: false, chosen: false })),
  );
  assert.equal(view.scaleHtml, '<span></span><span>08:00</span><span></span><span></span><span>10:00</span>');
  assert.equal(
    cellsMarkup([{ className: 'cell busy', title: `09:00 "Tom's" <b>` }]),
    '<span class="cell busy" title="09:00 &#34;Tom&#39;s&#34; &lt;b&gt;"></span>',
  );
});
