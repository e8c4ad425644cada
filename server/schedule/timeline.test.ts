import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { dayWindow, displayState, freeGaps, hourMarks, openingSpan, placement, suggestedSlot } from './timeline.ts';

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

describe('day hours without a luxon lookup per hour', () => {
  // The reference is what these functions computed with luxon before they used the zone-day arithmetic.
  const luxonAt = (date: string, hhmm: string, zone: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return DateTime.fromISO(date, { zone }).set({ hour: h!, minute: m! });
  };
  const zones = ['Europe/London', 'Europe/Budapest', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns'];
  // Ordinary days and each zone's clock-change days of 2026 (spring and autumn, both hemispheres).
  const dates = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-06-15', '2026-10-04', '2026-10-25', '2026-11-01', '2026-11-25'];
  const times = Array.from({ length: 24 * 4 }, (_, i) => `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`);

  test('dayWindow() and hourMarks() agree with luxon on ordinary and clock-change days in six zones', () => {
    for (const zone of zones)
      for (const date of dates)
        for (const [opensAt, closesAt] of [
          ['07:30', '18:00'],
          ['00:00', '23:45'],
          ['01:15', '03:30'],
          ['08:00', '20:10'],
        ] as const) {
          const w = dayWindow(date, zone, [{ opensAt, closesAt }]);
          const start = luxonAt(date, opensAt, zone).startOf('hour').toMillis();
          const closing = luxonAt(date, closesAt, zone);
          const end = (closing.minute ? closing.startOf('hour').plus({ hours: 1 }) : closing).toMillis();
          assert.deepEqual([w.start, w.end], [start, end], `${zone} ${date} ${opensAt}–${closesAt}`);
          const labels: string[] = [];
          for (let t = DateTime.fromMillis(w.start, { zone }); t.toMillis() < w.end; t = t.plus({ hours: 1 })) labels.push(t.toFormat('HH:mm'));
          assert.deepEqual(
            hourMarks(w).map((m) => m.label),
            labels,
            `${zone} ${date} hour labels`,
          );
        }
  });

  test('opening hours at every quarter hour, also those the clocks skip or repeat, are the instants luxon gives', () => {
    for (const zone of zones)
      for (const date of dates)
        for (const hhmm of times) {
          const w = dayWindow(date, zone, [{ opensAt: hhmm, closesAt: '23:59' }]);
          assert.equal(w.start, luxonAt(date, hhmm, zone).startOf('hour').toMillis(), `${zone} ${date} window from ${hhmm}`);
          const open = openingSpan(date, hhmm, '23:59', zone);
          assert.equal(open.start, luxonAt(date, hhmm, zone).toMillis(), `${zone} ${date} opening at ${hhmm}`);
        }
  });
});
