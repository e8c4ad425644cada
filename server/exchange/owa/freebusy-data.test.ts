import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { decodeFbData, fastFbData, fbDataByTree, freeBusyQuery, parseFreeBusy, slotCount } from './freebusy-data.ts';
import { fixture } from '../fixtures/index.ts';

const window = { start: DateTime.fromISO('2026-03-29T08:00:00Z', { zone: 'utc' }), end: DateTime.fromISO('2026-03-29T12:00:00Z', { zone: 'utc' }) };

test('parseFreeBusy() maps each requested address to its busy stretches in request order', () => {
  const result = parseFreeBusy(fixture('freebusy.xml'), ['severn@example.com', 'thames@example.com'], window, 30);
  assert.equal(result[0]!.email, 'severn@example.com');
  assert.deepEqual(
    result[1]!.busy.map((s) => [s.start.toISO(), s.end.toISO(), s.status]),
    [['2026-03-29T09:00:00.000Z', '2026-03-29T11:00:00.000Z', 'busy']],
  );
  assert.deepEqual(
    result[0]!.busy.map((s) => s.status),
    ['tentative'],
  );
});

test('parseFreeBusy() skips the All Attendees aggregate', () => {
  const result = parseFreeBusy(fixture('freebusy.xml'), ['thames@example.com'], window, 30);
  assert.equal(result.length, 1);
});

test('parseFreeBusy() marks all-4 data and missing addresses as unknown', () => {
  const result = parseFreeBusy(fixture('freebusy.xml'), ['nobody@example.com', 'ghost@example.com'], window, 30);
  assert.deepEqual(
    result.map((r) => r.known),
    [false, false],
  );
});

test('parseFreeBusy() reads 1 as tentative, 2 as busy and 3 as out of office', () => {
  const [tyne] = parseFreeBusy(fixture('freebusy.xml'), ['tyne@example.com'], window, 30);
  assert.deepEqual(
    tyne!.busy.map((s) => s.status),
    ['oof', 'tentative', 'busy', 'oof'],
  );
});

test('parseFreeBusy() rejects the HTML free/busy page', () => {
  assert.throws(() => parseFreeBusy('<html><body><table><tr><td bgcolor="#0000FF"></td></tr></table></body></html>', ['a@b'], window, 30));
});

test('decodeFbData() rejects data shorter than the window', () => {
  assert.throws(() => decodeFbData('0022', window, 30), /expected 8/);
});

test('decodeFbData() rejects characters other than 0-4', () => {
  assert.throws(() => decodeFbData('0022x200', window, 30), /malformed-freebusy/);
});

test('decodeFbData() clips the last partial slot to the window end', () => {
  const w = { start: window.start, end: window.start.plus({ minutes: 45 }) };
  const slots = decodeFbData('02', w, 30)!;
  assert.equal(slotCount(w, 30), 2);
  assert.equal(slots[0]!.end.toISO(), '2026-03-29T08:45:00.000Z');
});

test('decodeFbData() counts slots in real minutes across the spring DST change', () => {
  // 2026-03-29 00:00 to 06:00 in London is 5 real hours (01:00 → 02:00 is skipped).
  const start = DateTime.fromISO('2026-03-29T00:00', { zone: 'Europe/London' });
  const end = DateTime.fromISO('2026-03-29T06:00', { zone: 'Europe/London' });
  assert.equal(slotCount({ start, end }, 60), 5);
  const slots = decodeFbData('00020', { start, end }, 60)!;
  assert.equal(slots[0]!.start.toISO(), '2026-03-29T03:00:00.000Z');
});

test('freeBusyQuery() sends one u=SMTP: per mailbox and UTC times', () => {
  const q = new URLSearchParams(freeBusyQuery(['a@example.com', 'b+x@example.com'], window, 15));
  assert.equal(q.get('Cmd'), 'freebusy');
  assert.equal(q.get('start'), '2026-03-29T08:00:00Z');
  assert.equal(q.get('interval'), '15');
  assert.deepEqual(q.getAll('u'), ['SMTP:a@example.com', 'SMTP:b+x@example.com']);
});

test('the fast reading of a free/busy answer equals the XML tree reading, and anything unusual goes to the tree', () => {
  const body = fixture('freebusy.xml');
  assert.deepEqual(fastFbData(body), fbDataByTree(body));
  assert.equal(fastFbData(body)!.get('severn@example.com'), '00000011');
  // The emulator's compact shape, with an XML declaration.
  const compact =
    '<?xml version="1.0" encoding="utf-8"?><b:response xmlns:b="WM"><b:recipients><b:item><b:displayname>All</b:displayname><b:type>1</b:type><b:fbdata>02</b:fbdata></b:item><b:item><b:displayname>R &amp; D</b:displayname><b:email type="SMTP">rd@example.com</b:email><b:type>1</b:type><b:fbdata>02</b:fbdata></b:item></b:recipients></b:response>';
  assert.equal(fastFbData(compact), null, 'an entity in a display name is left to the full parser');
  assert.deepEqual([...fbDataByTree(compact)], [['rd@example.com', '02']]);
  const plain = compact.replace('R &amp; D', 'R and D');
  assert.deepEqual([...fastFbData(plain)!], [['rd@example.com', '02']]);
  for (const odd of [
    plain.replace('<b:recipients>', '<!-- x --><b:recipients>'),
    plain.replace('xmlns:b="WM"', 'xmlns:b="WM" xmlns:c="DAV:"'),
    plain.replace('<b:fbdata>02</b:fbdata></b:item></b:recipients>', '<b:fbdata><![CDATA[02]]></b:fbdata></b:item></b:recipients>'),
    plain.replace('</b:recipients>', '<b:extra/></b:recipients>'),
    plain.replace('</b:response>', '</b:response><x/>'),
  ])
    assert.equal(fastFbData(odd), null, odd);
});

test('decodeFbData() merges runs of one status and splits where the status changes', () => {
  const slots = decodeFbData('02211003', window, 30)!;
  assert.deepEqual(
    slots.map((s) => [s.start.toISO(), s.end.toISO(), s.status]),
    [
      ['2026-03-29T08:30:00.000Z', '2026-03-29T09:30:00.000Z', 'busy'],
      ['2026-03-29T09:30:00.000Z', '2026-03-29T10:30:00.000Z', 'tentative'],
      ['2026-03-29T11:30:00.000Z', '2026-03-29T12:00:00.000Z', 'oof'],
    ],
  );
});

test('decodeFbData() stretches carry epoch ms and DateTimes that agree, and serialise as before (ISO start and end)', () => {
  const [busy, tentative] = decodeFbData('00220100', window, 30)!;
  assert.equal(busy!.startMs, Date.parse('2026-03-29T09:00:00Z'));
  assert.equal(busy!.endMs, Date.parse('2026-03-29T10:00:00Z'));
  assert.equal(busy!.start.toMillis(), busy!.startMs);
  assert.equal(busy!.end.toISO(), '2026-03-29T10:00:00.000Z');
  assert.equal(tentative!.status, 'tentative');
  assert.deepEqual(JSON.parse(JSON.stringify(busy)), { start: '2026-03-29T09:00:00.000Z', end: '2026-03-29T10:00:00.000Z', status: 'busy' });
});

test('decodeFbData() reads all-4 data as no data, and 4 among other digits as free', () => {
  assert.equal(decodeFbData('44444444', window, 30), null);
  assert.deepEqual(
    decodeFbData('44224444', window, 30)!.map((s) => [s.start.toISO(), s.status]),
    [['2026-03-29T09:00:00.000Z', 'busy']],
  );
});

test('parseFreeBusy() on the fast path decodes exactly as decodeFbData: random digits, runs, 4s, lengths and padding', () => {
  // A fixed pseudo-random sequence: the same cases on every run.
  let seed = 13;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const expectedSlots = slotCount(window, 30); // 8
  const items: string[] = [];
  const digits: string[] = [];
  for (let k = 0; k < 400; k++) {
    const length = expectedSlots + next(3); // 8 to 10: digits past the window are read but not used
    const pick = next(3);
    let d = Array.from({ length }, () => String(pick === 0 ? next(5) : pick === 1 ? [0, 0, 0, 2, 4][next(5)] : [4, 4, 4, 1][next(4)])).join('');
    if (k % 7 === 0) d = '4'.repeat(length);
    digits.push(d);
    const padded = k % 5 === 0 ? `\n  ${d} ` : d;
    items.push(
      `<a:item><a:displayname>Room ${k}</a:displayname><a:email type="SMTP">room${k}@example.com</a:email><a:type>1</a:type><a:fbdata>${padded}</a:fbdata></a:item>`,
    );
  }
  const body = `<a:response xmlns:a="WM"><a:recipients><a:item><a:displayname>All Attendees</a:displayname><a:type>1</a:type><a:fbdata>0</a:fbdata></a:item>${items.join('')}</a:recipients></a:response>`;
  assert.ok(fastFbData(body), 'the fast path reads this answer');
  assert.ok(parseFreeBusy(body, ['room1@example.com'], window, 30)[0]!.busyBetween, 'and answers busyBetween from the digits');
  const emails = digits.map((_, k) => `room${k}@example.com`);
  const flat = (slots: readonly { startMs?: number; endMs?: number; status: string }[] | null) => slots?.map((s) => [s.startMs, s.endMs, s.status]) ?? null;
  // The whole window, and one ending inside its last slot (that slot's stretch is clipped to the end).
  for (const w of [window, { start: window.start, end: window.end.minus({ minutes: 15 }) }]) {
    const got = parseFreeBusy(body, emails, w, 30);
    digits.forEach((d, k) => {
      const want = decodeFbData(d, w, 30);
      // busyBetween answers before the stretches are built, and the same after.
      const ranges = Array.from({ length: 6 }, () => {
        const from = w.start.toMillis() + (next(11) - 1) * 15 * 60_000;
        return [from, from + (1 + next(8)) * 15 * 60_000] as const;
      });
      const overlapping = ([from, to]: readonly [number, number]) => (want ?? []).some((s) => s.startMs! < to && s.endMs! > from);
      const between = (r: readonly [number, number]) => (got[k]!.busyBetween ? got[k]!.busyBetween(r[0], r[1]) : overlapping(r));
      for (const r of ranges) assert.equal(between(r), overlapping(r), `${d} ${r}`);
      assert.equal(got[k]!.known, want !== null, d);
      assert.deepEqual(flat(got[k]!.busy), want === null ? [] : flat(want), d);
      for (const r of ranges) assert.equal(between(r), overlapping(r), `${d} ${r} after reading busy`);
      const json = JSON.parse(JSON.stringify(got[k]!)) as { email: string; known: boolean; busy: { start: string; end: string; status: string }[] };
      assert.deepEqual(
        { ...json, busy: json.busy.map((b) => [Date.parse(b.start), Date.parse(b.end), b.status]) },
        { email: got[k]!.email, known: got[k]!.known, busy: flat(got[k]!.busy) },
        'JSON has the stretches',
      );
    });
  }
  // Too short, and whitespace inside the digits: the same errors as decodeFbData.
  assert.throws(() => parseFreeBusy(body.replace(`>${digits[1]}<`, '>0<'), emails, window, 30), /expected 8/);
  assert.throws(() => parseFreeBusy(body.replace(`>${digits[1]}<`, '>0000 0000<'), emails, window, 30), /malformed-freebusy/);
});

test('freeBusyQuery() writes exactly what URLSearchParams writes, for addresses that need escaping too', () => {
  const emails = ['a@example.com', "o'brien+x@example.com", 'space here@example.com', 'ü@example.com', 'a@example.com'];
  const params = new URLSearchParams();
  params.append('Cmd', 'freebusy');
  params.append('start', '2026-03-29T08:00:00Z');
  params.append('end', '2026-03-29T12:00:00Z');
  params.append('interval', '15');
  for (const e of emails) params.append('u', `SMTP:${e}`);
  assert.equal(freeBusyQuery(emails, window, 15), params.toString());
  assert.equal(freeBusyQuery(emails, window, 15), params.toString(), 'and again, from the kept encodings');
});
