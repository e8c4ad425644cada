import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RowView } from './present.ts';
import { rowHtml } from './row-html.ts';

const row = (subject: string): RowView =>
  ({
    key: 'room-1',
    name: 'Tyne',
    href: '/schedule/rooms/1/week?date=2026-03-23',
    facts: '8 people',
    trackCls: 'track n-132',
    gaps: [],
    blocks: [{ cls: 'blk s-1 n-9', href: '/bookings/1', times: '08:00–08:45', subject, who: 'Alice', tag: 'Booked' }],
    nowCls: null,
  }) as unknown as RowView;

test('rowHtml() escapes the row, answers the same model with the same HTML and a changed model with new HTML', () => {
  const a = rowHtml(row('<script>x</script>'));
  assert.match(a, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.ok(!a.includes('<script>'));
  assert.equal(rowHtml(row('<script>x</script>')), a);
  assert.match(rowHtml(row('Sync')), /<span>Sync<\/span>/);
});
