import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultOrg } from '../org.ts';
import { NS, type PropMap } from '../store/props.ts';
import { Store, type Item } from '../store/store.ts';
import { resourceProps } from '../store/view.ts';
import { parseSql } from './sql.ts';
import { matches, windowOf } from './sql-eval.ts';
import { windowCandidates } from './search-window.ts';

const BASE = 'http://emulator.test';
const H = 3_600_000;
const T0 = Date.UTC(2030, 10, 18, 9);
const iso = (ms: number) => new Date(ms).toISOString();

/** A calendar with items of every shape the index must not get wrong: edges, long ones, text dates, none, several values. */
function calendar(): { store: Store; folder: ReturnType<Store['wellKnownFolder']> } {
  const store = new Store(defaultOrg());
  const mailbox = store.mailbox('thames@example.com')!;
  const folder = store.wellKnownFolder(mailbox, 'calendar');
  const add = (name: string, extra: [string, string, string | string[]][]) => {
    const props: PropMap = new Map([[`${NS.dav}contentclass`, { type: 'string', value: 'urn:content-classes:appointment' }]]);
    for (const [prop, type, value] of extra) props.set(prop, { type, value });
    store.createItem(folder, name, props);
  };
  const dates = (start: number, end: number, type = 'dateTime.tz'): [string, string, string][] => [
    [`${NS.cal}dtstart`, type, iso(start)],
    [`${NS.cal}dtend`, type, iso(end)],
  ];
  for (let k = 0; k < 200; k++) add(`past${k}.EML`, dates(T0 - (k + 1) * 24 * H, T0 - (k + 1) * 24 * H + H));
  add('ends-at-start.EML', dates(T0 - H, T0));
  add('starts-at-end.EML', dates(T0 + H, T0 + 2 * H));
  add('inside.EML', dates(T0 + 15 * 60_000, T0 + 30 * 60_000));
  add('week-long.EML', dates(T0 - 5 * 24 * H, T0 + 2 * 24 * H));
  add('later.EML', dates(T0 + 5 * H, T0 + 6 * H));
  add('text-dates.EML', dates(T0, T0 + H, 'string'));
  add('rfc1123.EML', [
    [`${NS.cal}dtstart`, 'dateTime.rfc1123', new Date(T0).toUTCString()],
    [`${NS.cal}dtend`, 'dateTime.rfc1123', new Date(T0 + H).toUTCString()],
  ]);
  add('no-dates.EML', []);
  add('only-start.EML', [[`${NS.cal}dtstart`, 'dateTime.tz', iso(T0)]]);
  add('bad-date.EML', [
    [`${NS.cal}dtstart`, 'dateTime.tz', 'not a date'],
    [`${NS.cal}dtend`, 'dateTime.tz', iso(T0 + H)],
  ]);
  add('several.EML', [
    [`${NS.cal}dtstart`, 'mv.dateTime.tz', [iso(T0 - 100 * H), iso(T0)]],
    [`${NS.cal}dtend`, 'mv.dateTime.tz', [iso(T0 - 99 * H), iso(T0 + H)]],
  ]);
  return { store, folder };
}

const names = (store: Store, items: Iterable<Item>, where: string) => {
  const q = parseSql(`SELECT "DAV:href" FROM SCOPE('SHALLOW TRAVERSAL OF ""') WHERE ${where}`);
  return [...items].filter((item) => matches(q.where, resourceProps(store, BASE, { kind: 'item', item }))).map((i) => i.name);
};

test('a windowed SEARCH finds through the time index exactly what a scan of every item finds, in the same order', () => {
  const { store, folder } = calendar();
  const s = iso(T0);
  const e = iso(T0 + H);
  const wheres = [
    `"urn:schemas:calendar:dtend" > '${s}' AND "urn:schemas:calendar:dtstart" < '${e}'`,
    `"urn:schemas:calendar:dtend" >= '${s}' AND "urn:schemas:calendar:dtstart" <= '${e}'`,
    // Asterisk's form: the window under a NOT, where the bounds are inclusive.
    `NOT ("urn:schemas:calendar:dtend" < '${s}' OR "urn:schemas:calendar:dtstart" > '${e}')`,
    `"DAV:contentclass" = 'urn:content-classes:appointment' AND "urn:schemas:calendar:dtend" > '2030/11/18 09:00:00' AND "urn:schemas:calendar:dtstart" < '2030/11/18 10:00:00'`,
    `"urn:schemas:calendar:dtend" > '${iso(T0 - 50 * 24 * H)}' AND "urn:schemas:calendar:dtstart" < '${iso(T0 - 40 * 24 * H)}'`,
  ];
  for (const where of wheres) {
    const window = windowOf(parseSql(`SELECT "DAV:href" FROM SCOPE('SHALLOW TRAVERSAL OF ""') WHERE ${where}`).where);
    assert.ok(window, where);
    const all = names(store, folder.items.values(), where);
    assert.ok(all.length > 0, `the case finds something: ${where}`);
    assert.deepEqual(names(store, windowCandidates(folder, window), where), all, where);
    // The point of it: far fewer items than the calendar holds get their properties built.
    assert.ok(windowCandidates(folder, window).length < 30, where);
  }
});

test('the time index follows writes: a new, moved or deleted item is seen by the next search', () => {
  const { store, folder } = calendar();
  const window = { from: T0, to: T0 + H };
  const has = (name: string) => windowCandidates(folder, window).some((i) => i.name === name);
  assert.ok(!has('later.EML'));
  const later = [...folder.items.values()].find((i) => i.name === 'later.EML')!;
  later.props.set(`${NS.cal}dtstart`, { type: 'dateTime.tz', value: iso(T0 + 10 * 60_000) });
  later.props.set(`${NS.cal}dtend`, { type: 'dateTime.tz', value: iso(T0 + 20 * 60_000) });
  store.touchItem(later);
  assert.ok(has('later.EML'));
  store.deleteItem(later);
  assert.ok(!has('later.EML'));
  store.createItem(
    folder,
    'new.EML',
    new Map([
      [`${NS.cal}dtstart`, { type: 'dateTime.tz', value: iso(T0) }],
      [`${NS.cal}dtend`, { type: 'dateTime.tz', value: iso(T0 + H) }],
    ]),
  );
  assert.ok(has('new.EML'));
});
