import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultOrg } from '../org.ts';
import { NS, type PropMap } from './props.ts';
import { Store, type Folder, type Item } from './store.ts';
import { calendarIndex, inFolderOrder, instantOf, itemsWithUid, replacedOf } from './calendar-index.ts';
import { replacedOccurrences } from './recurrence.ts';

const H = 3_600_000;
const T0 = Date.UTC(2030, 10, 18, 9);
const iso = (ms: number) => new Date(ms).toISOString();

/** A small deterministic generator, so a failure names its seed and can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function propsFor(rnd: () => number): PropMap {
  const start = T0 + Math.floor(rnd() * 48) * H - 24 * H;
  const end = start + Math.floor(1 + rnd() * 6) * 15 * 60_000;
  const type = rnd() < 0.1 ? 'string' : 'dateTime.tz';
  const props: PropMap = new Map([[`${NS.dav}contentclass`, { type: 'string', value: 'urn:content-classes:appointment' }]]);
  if (rnd() < 0.95) props.set(`${NS.cal}dtstart`, { type, value: iso(start) });
  if (rnd() < 0.95) props.set(`${NS.cal}dtend`, { type, value: iso(end) });
  props.set(`${NS.cal}uid`, { type: 'string', value: `UID-${Math.floor(rnd() * 8)}` });
  const kind = rnd();
  if (kind < 0.1) {
    props.set(`${NS.cal}instancetype`, { type: 'int', value: '1' });
    props.set(`${NS.cal}rrule`, { type: 'mv.string', value: ['FREQ=DAILY;COUNT=3'] });
  } else if (kind < 0.2) {
    props.set(`${NS.cal}instancetype`, { type: 'int', value: '3' });
    props.set(`${NS.cal}recurrenceid`, { type: 'dateTime.tz', value: iso(start) });
  } else props.set(`${NS.cal}instancetype`, { type: 'int', value: '0' });
  return props;
}

/** What a scan of every item gives, the way each reader computed it before the index. */
function scan(folder: Folder, from: number, to: number) {
  const items = [...folder.items.values()];
  const typed = items.filter((i) => {
    const s = instantOf(i.props.get(`${NS.cal}dtstart`));
    const e = instantOf(i.props.get(`${NS.cal}dtend`));
    return s === null || e === null || (s <= to && e >= from);
  });
  const date = (i: Item, k: string) => {
    const v = i.props.get(`${NS.cal}${k}`)?.value;
    const ms = Date.parse(String(Array.isArray(v) ? v[0] : v));
    return Number.isNaN(ms) ? undefined : ms;
  };
  const recurring = items.filter((i) => i.props.get(`${NS.cal}instancetype`)?.value === '1');
  const spans = items.filter((i) => {
    if (recurring.includes(i)) return false;
    const s = date(i, 'dtstart');
    const e = date(i, 'dtend');
    return s !== undefined && e !== undefined && s < to && e > from;
  });
  return { typed, recurring, spans, replaced: replacedOccurrences(items) };
}

function fromIndex(folder: Folder, from: number, to: number) {
  const index = calendarIndex(folder);
  return {
    typed: inFolderOrder([...index.untyped, ...index.typed.overlapping(from, to)]),
    recurring: inFolderOrder(index.recurring),
    spans: inFolderOrder(index.spans.overlapping(from, to).filter((e) => e.start! < to && e.end! > from)),
    replaced: replacedOf(index),
  };
}

test('the calendar index, kept up from the write log, gives what a scan of every item gives after any writes', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rnd = random(seed);
    const store = new Store(defaultOrg());
    const mailbox = store.mailbox('thames@example.com')!;
    const folder = store.wellKnownFolder(mailbox, 'calendar');
    const other = store.wellKnownFolder(mailbox, 'inbox');
    for (let k = 0; k < 40; k++) store.createItem(folder, `i${k}.EML`, propsFor(rnd));
    let n = 40;
    for (let step = 0; step < 400; step++) {
      const items = [...folder.items.values()];
      const pick = items[Math.floor(rnd() * items.length)];
      const op = rnd();
      if (op < 0.3 || !pick) store.createItem(folder, `i${n++}.EML`, propsFor(rnd));
      else if (op < 0.6) {
        pick.props = propsFor(rnd);
        store.touchItem(pick);
      } else if (op < 0.75) store.deleteItem(pick);
      else if (op < 0.85) store.moveItem(pick, folder, `renamed${n++}.EML`);
      else if (op < 0.92) store.moveItem(pick, other, `away${n++}.EML`);
      else {
        const back = [...other.items.values()][0];
        if (back) store.moveItem(back, folder, `back${n++}.EML`);
      }
      // Read only now and then (the first read builds the index; writes after it are applied as they happen).
      if (rnd() < 0.3) {
        const from = T0 + Math.floor(rnd() * 24 - 12) * H;
        const to = from + Math.floor(1 + rnd() * 4) * H;
        const want = scan(folder, from, to);
        const got = fromIndex(folder, from, to);
        const names = (l: Item[]) => l.map((i) => i.name);
        assert.deepEqual(names(got.typed), names(want.typed), `seed ${seed} step ${step}: SEARCH candidates`);
        assert.deepEqual(names(got.recurring), names(want.recurring), `seed ${seed} step ${step}: recurring masters`);
        assert.deepEqual(names(got.spans), names(want.spans), `seed ${seed} step ${step}: free/busy spans`);
        assert.deepEqual(got.replaced, want.replaced, `seed ${seed} step ${step}: replaced occurrences`);
        for (let u = 0; u < 8; u++) {
          const uid = `uid-${u}`;
          assert.deepEqual(
            names(itemsWithUid(folder, uid)),
            names([...folder.items.values()].filter((i) => String(i.props.get(`${NS.cal}uid`)?.value).toLowerCase() === uid)),
            `seed ${seed} step ${step}: by uid`,
          );
        }
      }
    }
  }
});

test('a calendar indexed before a bulk load is kept up by each write: the next read needs no rebuild and is right', () => {
  const rnd = random(9);
  const store = new Store(defaultOrg());
  const folder = store.wellKnownFolder(store.mailbox('thames@example.com')!, 'calendar');
  store.createItem(folder, 'first.EML', propsFor(rnd));
  const index = calendarIndex(folder);
  for (let k = 0; k < 1500; k++) store.createItem(folder, `i${k}.EML`, propsFor(rnd));
  assert.equal(calendarIndex(folder), index, 'the same index, kept up rather than rebuilt');
  const want = scan(folder, T0 - 24 * H, T0 + 24 * H);
  const got = fromIndex(folder, T0 - 24 * H, T0 + 24 * H);
  assert.deepEqual(
    got.typed.map((i) => i.name),
    want.typed.map((i) => i.name),
  );
  assert.deepEqual(
    got.spans.map((i) => i.name),
    want.spans.map((i) => i.name),
  );
});
