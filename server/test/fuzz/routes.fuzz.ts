// The fuzz level (issue 19): every state-changing route gets generated bodies against the app with its real
// emulator. After each case the outbox is drained and we check: no 5xx, no unescaped markup in any answer, no
// booking left pending/updating/cancelling, none failed for text the form should have refused, no recipient or
// iCalendar property in any mailbox that nobody entered, and PRAGMA integrity_check ok.
//
// Seeded and bounded: `npm test` runs FUZZ_RUNS cases (default 120) with seed 19; `npm run fuzz -- --runs N
// [--seed S] [--path P]` runs longer or replays one failure. A failure prints its seed, path and the shrunk
// requests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import fc from 'fast-check';
import type { Express } from 'express';
import { appRoutes } from '../../http/form.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { attendees, hostile, idempotencyKey, idPick, rawSuffix, slot, words, type FieldValue, type IdPick } from './arbitraries.ts';
import { SAMPLE_GIF, SAMPLE_JPEG, SAMPLE_PNG, SAMPLE_SVG, SAMPLE_WEBP } from '../../rooms/photo-samples.ts';
import { addressesIn, checkMailboxes, encodeBody, FuzzClient, integrity, safeUnicode, stuckOrRefused, unescapedMarkup } from './harness.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 19);
const PATH = process.env.FUZZ_PATH || undefined;

type Role = 'alice' | 'rita' | 'adam' | 'anon';
type Records = 'booking' | 'room' | 'fuzzUser' | 'token' | 'job';

/** A field's valid value is replaced, extended, dropped, sent twice or turned into a huge number. */
type Mutation = { kind: 'replace'; value: string } | { kind: 'append'; value: string } | { kind: 'missing' } | { kind: 'twice'; value: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: hostile.map((value): Mutation => ({ kind: 'replace', value })) },
  { weight: 2, arbitrary: hostile.map((value): Mutation => ({ kind: 'append', value })) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'missing' }) },
  { weight: 2, arbitrary: fc.oneof(hostile, fc.constant('')).map((value): Mutation => ({ kind: 'twice', value })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String), fc.double().map(String))
      .map((value): Mutation => ({ kind: 'replace', value })),
  },
);

/** Stands for "the record's current value" in an edit form (resolved when the request is sent). */
const KEEP = '\u0000keep';
/** Stands for "the n-th room that exists when the request is sent". */
const ANY_ROOM = '\u0000room:';

interface RouteSpec {
  as: Role;
  records?: Records;
  weight: number;
  valid: fc.Arbitrary<Record<string, string>>;
  /** A multipart form: the file its file field sends (the photo upload). */
  file?: fc.Arbitrary<{ field: string; name: string; type: string; bytes: Buffer }>;
}

interface FuzzRequest {
  route: string;
  as: Role;
  id: IdPick | null;
  fields: [string, FieldValue][];
  raw: string;
  file: { field: string; name: string; type: string; bytes: Buffer } | null;
}

function apply(valid: string, m: Mutation | undefined): FieldValue {
  switch (m?.kind) {
    case undefined:
      return { kind: 'one', value: valid };
    case 'replace':
      return { kind: 'one', value: m.value };
    case 'append':
      return { kind: 'one', value: valid + m.value };
    case 'missing':
      return { kind: 'missing' };
    case 'twice':
      return { kind: 'many', values: [valid, m.value] };
  }
}

/**
 * A whole request for one route: its valid body with none to three fields mutated (a request that is valid
 * but for one field reaches the deepest code), sometimes extra fields and a raw tail.
 */
function requestFor(route: string, spec: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const names = fc.constantFrom('Cmd', 'state', 'organizerId', '__proto__', 'constructor[prototype]', 'icalSequence', '_method', 'Required', 'roomId');
  const extra: fc.Arbitrary<[string, string][]> = fc.oneof(
    { weight: 4, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(names.map(String), hostile), { minLength: 1, maxLength: 2 }) },
  );
  // Sometimes someone else tries the route (no 5xx for them either); sign-in and sign-out stay anonymous, so the
  // signed-in clients keep their sessions and the sign-in throttle never locks them out.
  const role =
    spec.as === 'anon'
      ? fc.constant<Role>('anon')
      : fc.oneof({ weight: 9, arbitrary: fc.constant(spec.as) }, { weight: 1, arbitrary: fc.constantFrom<Role>('alice', 'rita', 'adam', 'anon') });
  return fc
    .record({
      valid: spec.valid,
      as: role,
      id: spec.records ? idPick.map((p): IdPick | null => p) : fc.constant(null),
      extra,
      raw: rawSuffix,
      mutations: fc.array(fc.tuple(fc.nat(), mutation), { maxLength: 3 }),
      file: spec.file ?? fc.constant(null),
    })
    .map(({ valid, as, id, extra: more, raw, mutations, file }) => {
      const names = Object.keys(valid);
      const byField = new Map(names.length ? mutations.map(([i, m]) => [names[i % names.length]!, m] as const) : []);
      return {
        route,
        as,
        id,
        fields: [
          ...Object.entries(valid).map(([name, value]): [string, FieldValue] => [name, apply(value, byField.get(name))]),
          ...more.map(([name, value]): [string, FieldValue] => [name, { kind: 'one', value }]),
        ],
        raw,
        file,
      };
    });
}

function describeRequest(r: FuzzRequest, path: string, body: string): string {
  const shown = body.length > 400 ? `${body.slice(0, 400)}… (${body.length} bytes)` : body;
  return `POST ${path} as ${r.as}\n    ${shown}`;
}

describe('route fuzzer', () => {
  let app: TestApp;
  const clients = new Map<Role, FuzzClient>();
  const entered = new Set<string>();
  const seen = { stuck: new Set<string>(), strangers: new Set<string>(), properties: new Set<string>() };
  let specs: Record<string, RouteSpec>;
  const stats = { requests: 0, byStatus: new Map<number, number>(), meetings: 0 };
  /** The requests that made or changed each booking, earlier cases included: a stuck booking's reproduction. */
  const history = new Map<number, string[]>();

  before(async () => {
    app = await startTestApp();
    for (const who of ['alice', 'rita', 'adam'] as const) clients.set(who, await FuzzClient.signedIn(app.url, who));
    const anon = new FuzzClient(app.url);
    await anon.refreshToken();
    clients.set('anon', anon);

    // A room and a person Exchange has no mailbox for: the room is invited as an outside address; a booking
    // on the person's behalf fails for good, so the paths after a failure (a change, a cancel, the admin's
    // retry) are exercised too.
    const adam = clients.get('adam')!;
    const nowhere = await adam.post(
      '/admin/rooms',
      new URLSearchParams({
        name: 'Nowhere',
        alias: 'nowhere',
        email: 'nowhere@example.com',
        capacity: '6',
        building: 'Harbour House',
        floor: '9',
        timeZone: 'Europe/London',
        opensAt: '08:00',
        closesAt: '20:00',
        maxDurationMinutes: '240',
        horizonDays: '180',
        active: 'on',
        // Exchange does not know this mailbox, so the admin form refuses it unless saved anyway (a staged roll-out).
        saveAnyway: 'on',
      }).toString(),
    );
    const ghost = await adam.post(
      '/admin/users',
      new URLSearchParams({
        username: 'ghost',
        displayName: 'Gus Ghost',
        email: 'ghost@example.com',
        role: 'employee',
        password: 'a long enough password',
      }).toString(),
    );
    assert.deepEqual([nowhere.status, ghost.status], [303, 303], 'the mailbox-less room and user are created');
    entered.add('nowhere@example.com').add('ghost@example.com');

    const db = app.ctx.db;
    const rooms = db
      .prepare<[], { id: number; alias: string }>("SELECT id, mailbox_alias AS alias FROM rooms WHERE active = 1 AND time_zone = 'Europe/London'")
      .all();
    const people = db.prepare<[], { id: number; email: string; username: string }>('SELECT id, email, username FROM users').all();
    const emails = people.map((p) => p.email);
    const zone = 'Europe/London';
    // Weekdays a few days ahead: inside every room's horizon, never in the past.
    const days = Array.from({ length: 14 }, (_, i) =>
      DateTime.now()
        .setZone(zone)
        .plus({ days: i + 1 }),
    )
      .filter((d) => d.weekday <= 5)
      .slice(0, 5)
      .map((d) => d.toFormat('yyyy-MM-dd'));
    // Mostly the demo rooms; sometimes any room, those the fuzzer created too (with no mailbox in Exchange, so
    // their bookings fail for good: the paths after a failure, a cancel among them, get exercised).
    const roomId = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...rooms.map((r) => String(r.id))) },
      { weight: 1, arbitrary: fc.nat(100).map((i) => `${ANY_ROOM}${i}`) },
    );
    const booking = (extra: Record<string, fc.Arbitrary<string>>) =>
      fc
        .record({
          roomId,
          date: fc.constantFrom(...days),
          slot,
          subject: words,
          description: fc.oneof(
            fc.constant(''),
            words,
            words.map((w) => `${w}\n\n${w}`),
          ),
          required: attendees(emails),
          optional: fc.oneof(fc.constant(''), attendees(emails)),
          private: fc.constantFrom('', 'on'),
          ...extra,
        })
        .map(({ slot: s, ...rest }) => ({ ...rest, start: s.start, end: s.end }));
    const onBehalf = fc.constantFrom(...people.filter((p) => ['alice', 'bob', 'ghost'].includes(p.username)).map((p) => String(p.id)));
    const n = fc.integer({ min: 1, max: 99_999 });
    const room = (alias: fc.Arbitrary<string>, email: fc.Arbitrary<string>) =>
      fc.record({
        name: words,
        alias,
        email,
        capacity: fc.integer({ min: 1, max: 40 }).map(String),
        building: fc.constantFrom('Harbour House', 'Annex'),
        floor: fc.constantFrom('1', '3', 'G'),
        timeZone: fc.constantFrom('Europe/London', 'Europe/Berlin'),
        opensAt: fc.constant('08:00'),
        closesAt: fc.constant('20:00'),
        maxDurationMinutes: fc.constant('240'),
        horizonDays: fc.constant('180'),
        active: fc.constantFrom('on', ''),
        equipment: fc.constantFrom('projector', 'phone', ''),
      });

    specs = {
      'POST /login': {
        as: 'anon',
        weight: 1,
        valid: fc.record({ username: fc.constantFrom('nobody', 'bob', 'fz1'), password: fc.constantFrom('wrong', 'demo') }),
      },
      'POST /logout': { as: 'anon', weight: 1, valid: fc.constant({}) },
      'POST /locale': {
        as: 'alice',
        weight: 1,
        valid: fc.record({ locale: fc.constantFrom('en', 'hu'), returnTo: fc.constantFrom('/', '/bookings', '//evil.example/') }),
      },
      'POST /bookings': { as: 'alice', weight: 6, valid: booking({ idempotencyKey }) },
      'POST /bookings (on behalf)': { as: 'rita', weight: 2, valid: booking({ idempotencyKey, organizerId: onBehalf }) },
      'POST /bookings/:id': { as: 'alice', records: 'booking', weight: 5, valid: booking({}) },
      'POST /bookings/:id (reception)': { as: 'rita', records: 'booking', weight: 2, valid: booking({}) },
      'POST /bookings/:id/cancel': { as: 'alice', records: 'booking', weight: 2, valid: fc.record({ message: fc.oneof(fc.constant(''), words) }) },
      'POST /bookings/:id/cancel (reception)': { as: 'rita', records: 'booking', weight: 1, valid: fc.record({ message: fc.oneof(fc.constant(''), words) }) },
      'POST /admin/rooms': {
        as: 'adam',
        weight: 1,
        valid: room(
          fc.oneof(
            n.map((i) => `fz${i}`),
            fc.constantFrom('thames', 'cam'),
          ),
          n.map((i) => `fz${i}@example.com`),
        ),
      },
      'POST /admin/rooms/:id': { as: 'adam', records: 'room', weight: 1, valid: room(fc.constant(KEEP), fc.constant(KEEP)) },
      'POST /admin/rooms/:id/deactivate': { as: 'adam', records: 'room', weight: 1, valid: fc.constant({}) },
      'POST /admin/rooms/:id/activate': { as: 'adam', records: 'room', weight: 1, valid: fc.constant({}) },
      'POST /admin/equipment': { as: 'adam', weight: 1, valid: fc.record({ code: n.map((i) => `fz-${i}`), label: words }) },
      'POST /admin/users': {
        as: 'adam',
        weight: 1,
        valid: n.chain((i) =>
          fc.record({
            username: fc.constant(`fz${i}`),
            displayName: words,
            email: fc.constant(`fz${i}@example.com`),
            role: fc.constantFrom('employee', 'receptionist'),
            password: fc.constant('a long enough password'),
          }),
        ),
      },
      'POST /admin/users/:id/access': {
        as: 'adam',
        records: 'fuzzUser',
        weight: 1,
        valid: fc.record({ role: fc.constantFrom('employee', 'receptionist', 'admin'), active: fc.constantFrom('on', '') }),
      },
      'POST /admin/displays': {
        as: 'adam',
        weight: 1,
        valid: fc.record({ label: words, roomIds: roomId, showSubjects: fc.constantFrom('on', ''), locale: fc.constantFrom('', 'en', 'hu') }),
      },
      'POST /admin/displays/:id/revoke': { as: 'adam', records: 'token', weight: 1, valid: fc.constant({}) },
      'POST /admin/sync/jobs/:id/retry': { as: 'adam', records: 'job', weight: 1, valid: fc.constant({}) },
      'POST /admin/sync/reconcile': { as: 'adam', weight: 1, valid: fc.constant({}) },
      'POST /find-time/now': {
        as: 'alice',
        weight: 1,
        valid: fc.record({ building: fc.oneof(fc.constant(''), fc.constant('Harbour House'), words), duration: fc.constantFrom('30', '60') }),
      },
      'POST /find-time/hours': {
        as: 'alice',
        weight: 1,
        valid: fc.record({
          timeZone: fc.constantFrom('Europe/London', 'Europe/Budapest', 'America/New_York'),
          start: fc.constantFrom('07:30', '09:00'),
          end: fc.constantFrom('16:00', '17:30'),
          days: fc.constantFrom('1', '5', '7'),
        }),
      },
      // Room photo (issue 16): the description alone (urlencoded), and a multipart upload of a real or hostile file.
      'POST /admin/rooms/:id/photo': { as: 'adam', records: 'room', weight: 1, valid: fc.record({ altText: words }) },
      'POST /admin/rooms/:id/photo (multipart)': {
        as: 'adam',
        records: 'room',
        weight: 1,
        valid: fc.record({ altText: words }),
        file: fc.record({
          field: fc.constantFrom('photo', 'photo', 'photo', 'other'),
          name: fc.constantFrom('room.png', 'x.svg', '', '../../etc/passwd', '<x-fuzz>.jpg'),
          type: fc.constantFrom('image/png', 'image/jpeg', 'image/svg+xml', 'text/html', ''),
          bytes: fc.oneof(
            fc.constantFrom(SAMPLE_PNG, SAMPLE_JPEG, SAMPLE_WEBP, SAMPLE_SVG, SAMPLE_GIF, SAMPLE_PNG.subarray(0, 40)),
            fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
          ),
        }),
      },
      'POST /admin/rooms/:id/photo/delete': { as: 'adam', records: 'room', weight: 1, valid: fc.constant({}) },
      'POST /admin/rooms/:id/profile': {
        as: 'adam',
        records: 'room',
        weight: 1,
        valid: fc.record({ showSubjects: fc.constantFrom('', 'on'), floorNote: fc.oneof(fc.constant(''), words) }),
      },
      // Check-in (issue 15). The door display's route has no token here: the fuzz checks it answers 401, never 5xx.
      'POST /bookings/:id/checkin': { as: 'alice', records: 'booking', weight: 1, valid: fc.constant({}) },
      'POST /bookings/:id/checkin-exempt': { as: 'rita', records: 'booking', weight: 1, valid: fc.record({ exempt: fc.constantFrom('on', '') }) },
      'POST /admin/rooms/:id/checkin': {
        as: 'adam',
        records: 'room',
        weight: 1,
        valid: fc.record({
          required: fc.constantFrom('', 'yes', 'no'),
          opensBeforeMin: fc.constantFrom('', '0', '5', '120'),
          closesAfterMin: fc.constantFrom('', '1', '10', '120'),
          releaseAction: fc.constantFrom('', 'release-room', 'cancel-meeting'),
        }),
      },
      'POST /admin/rooms/:id/checkin-building': {
        as: 'adam',
        records: 'room',
        weight: 1,
        valid: fc.record({
          required: fc.constantFrom('', 'on'),
          opensBeforeMin: fc.constantFrom('0', '5', '120'),
          closesAfterMin: fc.constantFrom('1', '10', '120'),
          releaseAction: fc.constantFrom('release-room', 'cancel-meeting'),
        }),
      },
      // Replacement rooms (issue 12): a room id the page did not offer must be refused with a message, never a 5xx.
      'POST /bookings/:id/replace': { as: 'alice', records: 'booking', weight: 1, valid: fc.record({ roomId: fc.constantFrom('1', '2', '3', '999999', '') }) },
      'POST /admin/buildings': {
        as: 'adam',
        weight: 1,
        valid: fc.record({ building: fc.oneof(fc.constant('Harbour House'), words), autoReplace: fc.constantFrom('on', '') }),
      },
      'POST /admin/displays/:id/actions': {
        as: 'adam',
        records: 'token',
        weight: 1,
        valid: fc.record({ canAct: fc.constantFrom('on', ''), walkinUserId: fc.oneof(fc.constant(''), onBehalf) }),
      },
      // People exempt from check-in by name: an id the page did not offer is refused with a message, never a 5xx.
      'POST /admin/checkin/exempt-people': {
        as: 'adam',
        weight: 1,
        valid: fc.record({ userId: fc.oneof(fc.constantFrom('', '999999'), onBehalf), exempt: fc.constantFrom('on', '') }),
      },
      // Attendees' counter-proposals (Home): a booking with no standing proposal of that attendee is a 404, never a 5xx.
      'POST /proposals/:id/use': {
        as: 'alice',
        records: 'booking',
        weight: 1,
        valid: fc.record({ email: fc.constantFrom('', 'bob@example.com', 'BOB@example.com', ...emails) }),
      },
      'POST /proposals/:id/dismiss': {
        as: 'alice',
        records: 'booking',
        weight: 1,
        valid: fc.record({ email: fc.constantFrom('', 'bob@example.com', 'BOB@example.com', ...emails) }),
      },
      'POST /display/:alias/act': {
        as: 'anon',
        weight: 1,
        valid: fc.record({ action: fc.constantFrom('book', 'extend', 'end', 'checkin'), minutes: fc.constantFrom('15', '30'), formSecret: fc.constant('x') }),
      },
    };
  });
  after(async () => {
    await app?.close();
  });

  test('every state-changing route of the app has a generator', () => {
    // The running app's own router: the Express app is the server's request listener.
    const express = app.server.listeners('request')[0] as Express;
    const routes = appRoutes(express)
      .filter((r) => r.method !== 'get')
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    const covered = new Set(Object.keys(specs).map((k) => k.replace(/ \(.*\)$/, '')));
    assert.deepEqual(
      routes.filter((r) => !covered.has(r)),
      [],
      'routes without a generator',
    );
    assert.ok(routes.length >= 16, routes.join(', '));
  });

  function concretePath(r: FuzzRequest): string {
    const pattern = r.route.split(' ')[1]!;
    if (!r.id) return pattern;
    let id: string;
    if ('raw' in r.id) id = r.id.raw;
    else {
      const table: Record<Records, string> = {
        // Bookings that can still change come first (small picks are the likeliest): most requests hit one.
        booking: "SELECT id FROM bookings ORDER BY state IN ('cancelled', 'cancelling'), id DESC",
        room: 'SELECT id FROM rooms ORDER BY id',
        fuzzUser: "SELECT id FROM users WHERE username LIKE 'fz%' ORDER BY id",
        token: 'SELECT id FROM device_tokens ORDER BY id',
        job: 'SELECT id FROM outbox_jobs ORDER BY id',
      };
      const ids = app.ctx.db.prepare<[], { id: number }>(table[specs[r.route]!.records!]).all();
      id = ids.length ? String(ids[r.id.pick % ids.length]!.id) : '999999';
    }
    return pattern.replace(':id', id);
  }

  /** Edit forms send the record's own alias and mailbox unless the generator changed them. */
  function resolveKeep(r: FuzzRequest, path: string): [string, FieldValue][] {
    const roomId = /^\/admin\/rooms\/(\d+)$/.exec(path)?.[1];
    const current = roomId
      ? app.ctx.db
          .prepare<[string], { alias: string; email: string }>('SELECT mailbox_alias AS alias, mailbox_email AS email FROM rooms WHERE id = ?')
          .get(roomId)
      : undefined;
    const allRooms = app.ctx.db.prepare<[], { id: number }>('SELECT id FROM rooms ORDER BY id').all();
    const keep = (name: string, v: string) => {
      if (v.startsWith(KEEP)) return (current?.[name as 'alias' | 'email'] ?? '') + v.slice(KEEP.length);
      const any = /^\u0000room:(\d+)/.exec(v);
      return any ? String(allRooms[Number(any[1]) % allRooms.length]!.id) + v.slice(any[0].length) : v;
    };
    // What the browser would send: lone surrogates become U+FFFD (the addresses "entered" are these).
    const value = (name: string, x: string) => safeUnicode(keep(name, x));
    return r.fields.map(([name, v]) => [
      name,
      v.kind === 'one' ? { kind: 'one', value: value(name, v.value) } : v.kind === 'many' ? { kind: 'many', values: v.values.map((x) => value(name, x)) } : v,
    ]);
  }

  async function send(r: FuzzRequest, log: string[]): Promise<void> {
    const path = concretePath(r);
    const fields = resolveKeep(r, path);
    for (const [name, v] of fields) {
      if (!['required', 'optional', 'email'].includes(name) || v.kind === 'missing') continue;
      for (const value of v.kind === 'one' ? [v.value] : v.values) for (const a of addressesIn(value)) entered.add(a);
    }
    const body = encodeBody(fields, r.raw);
    log.push(describeRequest(r, path, r.file ? `${body} + file ${r.file.name} (${r.file.type}, ${r.file.bytes.length} bytes)` : body));
    const res = r.file ? await clients.get(r.as)!.postMultipart(path, fields, r.file) : await clients.get(r.as)!.post(path, body);
    const html = await res.text();
    stats.requests++;
    stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
    const bookingId = Number(/^\/bookings\/(\d+)/.exec(res.status === 303 && path === '/bookings' ? (res.headers.get('location') ?? '') : path)?.[1]);
    if (bookingId && res.status < 400) history.set(bookingId, [...(history.get(bookingId) ?? []), `${log.at(-1)!} → ${res.status}`]);
    if (process.env.FUZZ_DEBUG)
      console.log(
        res.status,
        path,
        body.slice(0, 200),
        [...html.matchAll(/class="field-error"[^>]*>([^<]*)/g)].map((m) => m[1]).join(' | '),
        /<p class="[^"]*error[^"]*">([^<]*)/.exec(html)?.[1] ?? '',
      );
    if (res.status >= 500)
      throw new Error(
        `${res.status} from POST ${path}: ${html
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .slice(0, 300)}`,
      );
    if (unescapedMarkup(html)) throw new Error(`unescaped <x-fuzz> in the answer of POST ${path} (${res.status})`);
    // Stored markup: the page a successful form leads to shows what was just saved.
    const location = res.status === 303 ? res.headers.get('location') : null;
    if (location && r.as !== 'anon' && !location.startsWith('/login')) {
      const page = await clients.get(r.as)!.get(location);
      const shown = await page.text();
      if (page.status >= 500) throw new Error(`${page.status} from GET ${location} after POST ${path}`);
      if (unescapedMarkup(shown)) throw new Error(`unescaped <x-fuzz> on GET ${location} after POST ${path}`);
    }
    // The sign-out and a role change end sessions: sign in again so later cases still reach the routes.
    if (r.as !== 'anon' && res.status === 303 && res.headers.get('location')?.startsWith('/login')) clients.set(r.as, await FuzzClient.signedIn(app.url, r.as));
  }

  /** New problems only: a finding from an earlier case is reported once, by the case that caused it. */
  function fresh(kind: keyof typeof seen, found: string[]): string[] {
    const out = found.filter((f) => !seen[kind].has(f));
    for (const f of out) seen[kind].add(f);
    return out;
  }

  test('generated bodies on every state-changing route: no 5xx, nothing stuck, nothing injected, a sound database', async () => {
    const request = fc.oneof(...Object.entries(specs).map(([route, spec]) => ({ weight: spec.weight, arbitrary: requestFor(route, spec) })));
    const started = Date.now();
    const details = await fc.check(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (requests) => {
        const log: string[] = [];
        try {
          for (const r of requests) await send(r, log);
          const sent = await app.worker.drain();
          const stuck = fresh('stuck', stuckOrRefused(app));
          if (stuck.length) {
            // The request that made it and the latest ones that changed it (shrinking replays the case many times).
            const made = stuck.flatMap((s) => {
              const h = history.get(Number(/^booking (\d+)/.exec(s)?.[1])) ?? [];
              return h.length > 6 ? [h[0]!, `… ${h.length - 4} more …`, ...h.slice(-3)] : h;
            });
            throw new Error(`bookings stuck or refused by the gateway once the outbox is idle:\n  ${stuck.join('\n  ')}\n  made by:\n  ${made.join('\n  ')}`);
          }
          const check = integrity(app);
          if (check !== 'ok') throw new Error(`PRAGMA integrity_check: ${check}`);
          // Only the outbox writes to Exchange: with nothing sent, the mailboxes are as the last case left them.
          if (sent === 0) return;
          const mail = await checkMailboxes(app, entered);
          stats.meetings = mail.items;
          const strangers = fresh('strangers', mail.strangers);
          if (strangers.length) throw new Error(`recipients nobody entered: ${strangers.join(', ')}`);
          const properties = fresh('properties', mail.properties);
          if (properties.length) throw new Error(`iCalendar properties nobody wrote: ${properties.join(', ')}`);
        } catch (err) {
          throw new Error(`${err instanceof Error ? err.message : String(err)}\n  requests:\n  ${log.join('\n  ')}`);
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        ...(PATH ? { path: PATH } : {}),
        endOnFailure: false,
        interruptAfterTimeLimit: Number(process.env.FUZZ_TIME_LIMIT_MS ?? 20 * 60_000),
      },
    );
    const states = app.ctx.db.prepare<[], { state: string; n: number }>('SELECT state, count(*) AS n FROM bookings GROUP BY state').all();
    const jobs = app.ctx.db.prepare<[], { kind: string; n: number }>("SELECT kind, count(*) AS n FROM outbox_jobs WHERE status = 'done' GROUP BY kind").all();
    const summary =
      `fuzz: seed ${SEED}, ${details.numRuns} cases, ${stats.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `statuses ${JSON.stringify(Object.fromEntries([...stats.byStatus].sort()))}; bookings ${JSON.stringify(Object.fromEntries(states.map((r) => [r.state, r.n])))}; ` +
      `sent ${JSON.stringify(Object.fromEntries(jobs.map((r) => [r.kind, r.n])))}; ${stats.meetings} meeting items checked`;
    console.log(summary);
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      const replay = `npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath ?? ''}`;
      assert.fail(
        `fuzz case failed (seed ${details.seed}, path ${details.counterexamplePath}, shrunk ${details.numShrinks} times)\n  replay: ${replay}\n  ${error}`,
      );
    }
  });
});
