import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { dayWindow, displayState, freeGaps, hourMarks, placement, suggestedSlot } from './timeline.ts';

const ZONE = 'Europe/London';
const at = (date: string, hhmm: string, zone = ZONE) => DateTime.fromISO(`${date}T${hhmm}`, { zone }).toMillis();
/** Local "HH:mm" of an instant (or "null"). */
const hm = (t: number | null | undefined) => (t == null ? 'null' : DateTime.fromMillis(t, { zone: ZONE }).toFormat('HH:mm'));
const D = '2026-11-25';

describe('dayWindow()', () => {
  test('dayWindow() spans the earliest opening to the latest closing, widened to whole hours', () => {
    const w = dayWindow(D, ZONE, [
      { opensAt: '07:30', closesAt: '18:00' },
      { opensAt: '08:00', closesAt: '19:15' },
    ]);
    assert.equal(hm(w.start), '07:00');
    assert.equal(hm(w.end), '20:00');
    assert.equal(w.columns, 13 * 12);
  });

  test('dayWindow() keeps local opening hours on the day the clocks go back', () => {
    const w = dayWindow('2026-10-25', ZONE, [{ opensAt: '07:00', closesAt: '20:00' }]);
    assert.equal(new Date(w.start).toISOString(), '2026-10-25T07:00:00.000Z');
    assert.equal(w.columns, 13 * 12);
    assert.deepEqual(
      hourMarks(w)
        .map((m) => m.label)
        .slice(0, 2),
      ['07:00', '08:00'],
    );
  });
});

describe('placement()', () => {
  const w = dayWindow(D, ZONE, [{ opensAt: '07:00', closesAt: '20:00' }]);

  test('placement() puts 09:00–10:00 on columns 25 to 36', () => {
    assert.deepEqual(placement(w, at(D, '09:00'), at(D, '10:00')), { col: 25, span: 12 });
  });

  test('placement() clips a meeting that starts before opening and ends after closing', () => {
    assert.deepEqual(placement(w, at(D, '06:00'), at(D, '21:00')), { col: 1, span: 156 });
  });

  test('placement() returns null for a meeting entirely outside the window (edge touching included)', () => {
    assert.equal(placement(w, at(D, '20:00'), at(D, '21:00')), null);
    assert.equal(placement(w, at(D, '06:00'), at(D, '07:00')), null);
  });

  test('placement() gives an off-grid meeting at least one column', () => {
    assert.deepEqual(placement(w, at(D, '09:01'), at(D, '09:02')), { col: 25, span: 1 });
  });
});

describe('freeGaps()', () => {
  const open = { start: at(D, '08:00'), end: at(D, '18:00') };

  test('freeGaps() returns the whole day when nothing is booked', () => {
    assert.equal(freeGaps(open, []).length, 1);
  });

  test('freeGaps() leaves out overlapping and back-to-back meetings and short gaps', () => {
    const busy = [
      { start: at(D, '09:00'), end: at(D, '10:00') },
      { start: at(D, '09:30'), end: at(D, '10:30') },
      { start: at(D, '10:30'), end: at(D, '11:00') },
      { start: at(D, '11:10'), end: at(D, '12:00') },
    ];
    const gaps = freeGaps(open, busy).map((g) => `${hm(g.start)}-${hm(g.end)}`);
    assert.deepEqual(gaps, ['08:00-09:00', '12:00-18:00']);
  });
});

describe('suggestedSlot()', () => {
  test('suggestedSlot() offers an hour from the start of a future gap', () => {
    const s = suggestedSlot({ start: at(D, '11:00'), end: at(D, '18:00') }, at(D, '08:00'), 240)!;
    assert.equal(`${hm(s.start)}-${hm(s.end)}`, '11:00-12:00');
  });

  test('suggestedSlot() starts a gap that began already at the next five-minute line and respects the gap end', () => {
    const s = suggestedSlot({ start: at(D, '11:00'), end: at(D, '11:30') }, at(D, '11:07'), 240)!;
    assert.equal(`${hm(s.start)}-${hm(s.end)}`, '11:10-11:30');
    assert.equal(suggestedSlot({ start: at(D, '11:00'), end: at(D, '11:30') }, at(D, '11:28'), 240), null);
  });
});

describe('displayState()', () => {
  const m = (s: string, e: string) => ({ start: at(D, s), end: at(D, e) });
  const day = [m('10:00', '11:00'), m('11:00', '11:30'), m('14:00', '15:00')];

  test('displayState() is busy until the end of back-to-back meetings', () => {
    const s = displayState(day, at(D, '10:30'));
    assert.equal(s.busy, true);
    assert.equal(hm(s.busyUntil), '11:30');
    assert.deepEqual(
      s.upcoming.map((u) => hm(u.start)),
      ['11:00', '14:00'],
    );
  });

  test('displayState() is free until the next meeting, and free at the very end of a meeting', () => {
    const s = displayState(day, at(D, '11:30'));
    assert.equal(s.busy, false);
    assert.equal(hm(s.freeUntil), '14:00');
    assert.equal(displayState(day, at(D, '16:00')).freeUntil, null);
  });
});
