import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { FieldErrors, type FieldMessages } from '../errors.ts';
import { ExchangeError } from '../exchange/errors.ts';
import type { Room } from '../rooms/service.ts';
import { roomsForSearch } from './rooms-cache.ts';
import { cachedUntilChange } from '../schedule/queries.ts';

/** The active rooms (optionally of one building), cached until a room changes; shared, so never to be changed. */
export { roomsForSearch };
import { busyInterval, mergeIntervals, nearestFreeWindows, stripCells, type Interval, type StripCell } from './merge.ts';
import type { MailboxFreeBusy } from '../exchange/gateway.ts';
import type { FindInput } from './schema.ts';
import { zoneDay, type ZoneDay } from '../time/zone-day.ts';
import { t } from '../i18n/context.ts';
import { currentLocale } from '../i18n/context.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;
/** The search; the attendees typed are the route's (it passes their addresses as `alsoAsk`). */
type FindSearch = Omit<FindInput, 'attendees'>;

/**
 * What find-a-room needs of the app's own bookings, handed in by its caller (bookings/queries.ts localBookings), so
 * this feature imports nothing of bookings, which asks it for alternatives and replacement rooms.
 */
export interface LocalBookings {
  /** Busy intervals per room (epoch ms) from active bookings and meetings seen in Outlook, overlapping [start, end). */
  busyByRoom(ctx: Pick<AppContext, 'db'>, roomIds: number[], start: string, end: string): Map<number, Interval[]>;
  /** The booking rules' objections to this slot in this room (none: it may be booked). */
  checkRules(room: Room, slot: { start: DateTime; end: DateTime }, now: DateTime): FieldMessages;
}

// Free/busy precision: 5-minute cells, so a meeting ending at 10:05 does not hide a room from 10:15.
const FREEBUSY_INTERVAL_MINUTES = 5;
const STRIP_STEP_MINUTES = 30;
const MINUTE_MS = 60_000;

export interface RoomOption {
  room: Room;
  slot: Interval;
  strip: StripCell[];
  /** Why a room that is free does not fit, for "fits everything but one" suggestions. */
  misses: string[];
  /** The room's merged busy intervals over the search window (for the people-and-rooms rows). */
  busy?: readonly Interval[];
}

/** A person asked in the same free/busy request as the rooms (issue 16: attendees' rows beside the rooms). */
export interface PersonBusy {
  email: string;
  /** Exchange had free/busy for the address. */
  known: boolean;
  busy: Interval[];
}

export interface TimeSuggestion {
  room: Room;
  slot: Interval;
}

export interface FindResult {
  matches: RoomOption[];
  nearMisses: RoomOption[];
  otherTimes: TimeSuggestion[];
  /** Exchange could not be asked: only bookings made through this app are known. */
  exchangeUnavailable: boolean;
  zones: string[];
  /** The people asked with the rooms (empty unless `people` was given) and the window they were asked for. */
  people?: PersonBusy[];
  window?: Interval;
}

interface Candidate {
  room: Room;
  slot: Interval;
  day: Interval;
  zoneDay: ZoneDay;
}

/** The asked slot and opening hours of each room, worked out once per distinct zone and hours: 5,000 rooms share a few. */
// A room's zone and hours as one key, by room: the rooms are cached between searches (rooms-cache.ts).
const hoursKeys = new WeakMap<Room, string>();
function hoursKeyOf(room: Room): string {
  let key = hoursKeys.get(room);
  if (key === undefined) hoursKeys.set(room, (key = `${room.timeZone}|${room.opensAt}|${room.closesAt}`));
  return key;
}

function candidatesFor(rooms: readonly Room[], q: FindSearch): Candidate[] {
  const shared = new Map<string, Omit<Candidate, 'room'> | null>();
  const out: Candidate[] = [];
  for (const room of rooms) {
    const key = hoursKeyOf(room);
    let c = shared.get(key);
    if (c === undefined) shared.set(key, (c = timesOf(room, q)));
    if (c) out.push({ room, slot: c.slot, day: c.day, zoneDay: c.zoneDay });
  }
  return out;
}

function timesOf(room: Room, q: FindSearch): Omit<Candidate, 'room'> | null {
  const zd = zoneDay(q.date, room.timeZone);
  if (!zd) return null;
  const start = zd.instant(q.start);
  const end = q.end ? zd.instant(q.end) : start === null ? null : start + (q.duration ?? 60) * MINUTE_MS;
  const opens = zd.instant(room.opensAt);
  const closes = zd.instant(room.closesAt);
  if (start === null || end === null || opens === null || closes === null) return null;
  return { slot: { start, end }, day: { start: opens, end: closes }, zoneDay: zd };
}

// What of a room decides the booking rules' answer, by room: the rooms are cached between searches (rooms-cache.ts),
// so this string is built once per room, not once per room and search.
const ruleInputs = new WeakMap<Room, string>();
function ruleInputsOf(room: Room): string {
  let key = ruleInputs.get(room);
  if (key === undefined)
    ruleInputs.set(room, (key = `${room.active}|${room.opensAt}|${room.closesAt}|${room.maxDurationMinutes}|${room.horizonDays}|${room.timeZone}`));
  return key;
}

/**
 * "May this room be booked for this slot?" (bookings/rules.ts, the one source of the rules), asked once per distinct
 * answer-deciding input: rooms sharing hours, limits and zone share the answer, so 500 rooms cost a handful of calls.
 * By slot, then by the room's inputs: candidates of one zone and hours share one slot object, so 5,000 rooms cost
 * two map lookups each and no string (issue 13).
 */
function ruleChecker(now: DateTime, checkRules: LocalBookings['checkRules']): (room: Room, slot: Interval) => boolean {
  const bySlot = new Map<string, Map<string, boolean>>();
  const slotKeys = new WeakMap<Interval, Map<string, boolean>>();
  return (room, slot) => {
    let memo = slotKeys.get(slot);
    if (!memo) {
      const key = `${slot.start}|${slot.end}`;
      memo = bySlot.get(key);
      if (!memo) bySlot.set(key, (memo = new Map()));
      slotKeys.set(slot, memo);
    }
    const inputs = ruleInputsOf(room);
    let ok = memo.get(inputs);
    if (ok === undefined) {
      const problems = checkRules(room, { start: DateTime.fromMillis(slot.start, { zone: 'utc' }), end: DateTime.fromMillis(slot.end, { zone: 'utc' }) }, now);
      memo.set(inputs, (ok = Object.keys(problems).length === 0));
    }
    return ok;
  };
}

/** Why a room does not fit the search; the messages are formatted once per distinct value, not once per room. */
function missesFinder(q: FindSearch): (room: Room) => string[] {
  const seats = new Map<number, string>();
  const floors = new Map<string, string>();
  const equipment = new Map<string, string>();
  // No closure made per room (a 5,000-room search calls this for each).
  return (room) => {
    const misses: string[] = [];
    if (q.people && room.capacity < q.people) {
      let m = seats.get(room.capacity);
      if (m === undefined) seats.set(room.capacity, (m = t('find.miss.seats', { count: room.capacity })));
      misses.push(m);
    }
    for (const e of q.equipment)
      if (!room.equipment.includes(e)) {
        let m = equipment.get(e);
        if (m === undefined) equipment.set(e, (m = t('find.miss.equipment', { code: e })));
        misses.push(m);
      }
    if (q.floor && room.floor !== q.floor) {
      let m = floors.get(room.floor);
      if (m === undefined) floors.set(room.floor, (m = t('find.miss.floor', { floor: room.floor })));
      misses.push(m);
    }
    return misses;
  };
}

// Names compared as String.prototype.localeCompare does (the default locale and options), without building the
// comparison afresh for each of the 20,000 comparisons of sorting 2,000 free rooms (issue 13).
const byName = new Intl.Collator().compare;

/** True when no stretch of `busy` (in any order, merged or not) overlaps `slot`; an empty one never does (as merged). */
function noneOverlaps(busy: readonly Interval[] | undefined, slot: Interval): boolean {
  if (busy) for (const b of busy) if (b.start < slot.end && b.end > slot.start && b.end > b.start) return false;
  return true;
}

/**
 * The same for Exchange's answers of a room: asked of the answer itself when it can say (busyBetween reads the digits
 * and builds no stretch), else its stretches by their epoch ms.
 */
function exchangeFree(answers: readonly MailboxFreeBusy[] | undefined, slot: Interval): boolean {
  if (answers)
    for (const f of answers) {
      if (f.busyBetween) {
        if (f.busyBetween(slot.start, slot.end)) return false;
        continue;
      }
      for (const b of f.busy) {
        const start = b.startMs ?? b.start.toMillis();
        const end = b.endMs ?? b.end.toMillis();
        if (start < slot.end && end > slot.start && end > start) return false;
      }
    }
  return true;
}

export interface FindOptions {
  /** People (the searcher and attendees typed) asked in the same batched free/busy request as the rooms (issue 16). */
  alsoAsk?: readonly string[];
  /**
   * How many of the best-fitting matches get their day strip (the page shows only those; near misses always get
   * theirs). The others carry an empty strip: reading and drawing 2,000 rooms' days nobody sees was most of a
   * 5,000-room search (issue 13). Every match is still found and counted.
   */
  strips?: number;
}

type Busy = ReadonlyMap<number, readonly Interval[]>;

/**
 * Resolves once the free/busy requests just started have been written. undici writes a request on a kept-alive
 * connection from a setImmediate (it first lets the idle socket report a close), so a synchronous database read
 * started at once held the request back by its whole duration (issue 13: the read was meant to overlap the round
 * trip). The gateway reaches undici within microtasks; its immediate is then queued before our second one.
 */
export const requestsLeft = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

/** Exchange's stretches of a room and the app's own, as one list of intervals (unmerged), changing neither. */
function joined(exchange: ReadonlyMap<number, readonly MailboxFreeBusy[]>, local: Busy, id: number): Interval[] {
  const out: Interval[] = [];
  for (const f of exchange.get(id) ?? []) for (const s of f.busy) out.push(busyInterval(s));
  for (const i of local.get(id) ?? []) out.push(i);
  return out;
}

/** The rooms a search asks about and its windows: the same for every search of the same day and times. */
interface Plan {
  candidates: Candidate[];
  windowStart: number;
  windowEnd: number;
  slotsStart: number;
  slotsEnd: number;
  /** The candidates' addresses, in order (the free/busy request's rooms). */
  emails: string[];
  /** The candidate of each address in any case (the last of two rooms sharing one), and of each as written. */
  byLowerEmail: Map<string, Candidate>;
  byEmail: Map<string, Candidate>;
}

// Plans by room list (rooms-cache.ts keeps one list per building until a room changes) and search: working out 5,000
// candidates and listing their addresses came before the free/busy request could go (issue 13). A few per list.
const plans = new WeakMap<readonly Room[], Map<string, Plan>>();
const PLANS_KEPT = 16;

function planFor(rooms: readonly Room[], q: FindSearch): Plan {
  const key = `${q.date}|${q.start}|${q.end ?? ''}|${q.duration ?? ''}`;
  let byKey = plans.get(rooms);
  if (!byKey) plans.set(rooms, (byKey = new Map()));
  let plan = byKey.get(key);
  if (plan) return plan;
  const candidates = candidatesFor(rooms, q);
  let windowStart = Infinity;
  let windowEnd = -Infinity;
  let slotsStart = Infinity;
  let slotsEnd = -Infinity;
  for (const c of candidates) {
    windowStart = Math.min(windowStart, c.day.start, c.slot.start);
    windowEnd = Math.max(windowEnd, c.day.end, c.slot.end);
    slotsStart = Math.min(slotsStart, c.slot.start);
    slotsEnd = Math.max(slotsEnd, c.slot.end);
  }
  const byLowerEmail = new Map<string, Candidate>();
  for (const c of candidates) byLowerEmail.set(c.room.email.toLowerCase(), c);
  // As written, but to the same candidate the address in any case names: two rooms on one mailbox behave as before.
  const byEmail = new Map<string, Candidate>();
  for (const c of candidates) byEmail.set(c.room.email, byLowerEmail.get(c.room.email.toLowerCase())!);
  plan = { candidates, windowStart, windowEnd, slotsStart, slotsEnd, emails: candidates.map((c) => c.room.email), byLowerEmail, byEmail };
  if (byKey.size >= PLANS_KEPT) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, plan);
  return plan;
}

/**
 * Rooms free for the whole slot, best fit first: one batched free/busy request to Exchange for every candidate
 * room, merged with the app's own bookings (those Exchange may not know yet) and meetings seen in Outlook.
 */
export async function findRooms(ctx: Ctx, local: LocalBookings, q: FindSearch, opts: FindOptions = {}): Promise<FindResult> {
  const alsoAsk = opts.alsoAsk ?? [];
  const rooms = roomsForSearch(ctx, q.building);
  // Shared between searches: never changed here.
  const plan = planFor(rooms, q);
  const { candidates, windowStart, windowEnd, slotsStart, slotsEnd, emails } = plan;
  if (rooms.length && !candidates.length) throw new FieldErrors({ start: t('rules.no_such_time_any') }, 400);
  if (!candidates.length) return { matches: [], nearMisses: [], otherTimes: [], exchangeUnavailable: false, zones: [] };
  // Ask Exchange first, then read the app's own bookings while the request is on the wire: the database work then
  // costs no wall time (issue 13: a search should take about one Exchange round trip).
  const window = { start: DateTime.fromMillis(windowStart, { zone: 'utc' }), end: DateTime.fromMillis(windowEnd, { zone: 'utc' }) };
  // Asked in the searcher's language (Accept-Language on the OWA request), as their browser would.
  // People (the searcher and the attendees typed) ride in the same batched request as the rooms.
  // Exchange's answers by room, as the gateway gave them: their stretches are read only for the rooms drawn. Whether
  // Exchange has a room busy in its slot is decided as each batch arrives, while the others are still on the wire
  // (issue 13: over 5,000 rooms that work came after the last answer and added to the wall time).
  const exchangeBusy = new Map<number, MailboxFreeBusy[]>();
  const busyInSlot = new Set<number>();
  const personBusy = new Map<string, PersonBusy>(alsoAsk.map((e) => [e.toLowerCase(), { email: e.toLowerCase(), known: false, busy: [] }]));
  let taking = true;
  let taken = 0;
  const take = (f: MailboxFreeBusy) => {
    if (personBusy.size) {
      const person = personBusy.get(f.email.toLowerCase());
      if (person) {
        person.known = f.known;
        for (const s of f.busy) person.busy.push(busyInterval(s));
      }
    }
    // The gateway hands back the very address strings asked: looked up as they are, by case only when that fails.
    const c = plan.byEmail.get(f.email) ?? plan.byLowerEmail.get(f.email.toLowerCase());
    if (c === undefined || !f.known) return;
    // The same room asked twice (two addresses of one mailbox): both answers count.
    const known = exchangeBusy.get(c.room.id);
    if (known) known.push(f);
    else exchangeBusy.set(c.room.id, [f]);
    if (f.busyBetween ? f.busyBetween(c.slot.start, c.slot.end) : !exchangeFree([f], c.slot)) busyInSlot.add(c.room.id);
  };
  const forget = () => {
    exchangeBusy.clear();
    busyInSlot.clear();
    for (const p of personBusy.values()) {
      p.known = false;
      p.busy = [];
    }
  };
  // Asked in the searcher's language (Accept-Language on the OWA request), as their browser would.
  // People (the searcher and the attendees typed) ride in the same batched request as the rooms.
  const asked = ctx.gateway.freeBusy(alsoAsk.length ? [...emails, ...alsoAsk] : emails, window, FREEBUSY_INTERVAL_MINUTES, {
    language: currentLocale(),
    onBatch: (answers) => {
      // Batches that arrive after the search gave up on Exchange (another batch failed) are not taken.
      if (!taking) return;
      for (const f of answers) take(f);
      taken += answers.length;
    },
  });
  // Settled here so a failure is never an unhandled rejection while the database is read; it is rethrown below.
  const answer = asked.then(
    (fb) => ({ fb }),
    (err: unknown) => ({ err }),
  );
  await requestsLeft();
  // Whether a room is free needs only the app's bookings that overlap the asked slot: a few rows a room, not its whole
  // day (the day is read below for the rooms whose strips are drawn). Kept until a booking changes (the schedule's data version: bookings and Outlook meetings move it);
  // the key names everything the candidates and the times depend on besides the rooms, which move the version too.
  const slotsFrom = new Date(slotsStart).toISOString();
  const slotsTo = new Date(slotsEnd).toISOString();
  const slotBusy: Busy = cachedUntilChange(
    ctx.db,
    `${q.building ?? ''}|${q.date}|${q.start}|${q.end ?? ''}|${q.duration ?? ''}|${slotsFrom}|${slotsTo}`,
    () =>
      local.busyByRoom(
        ctx,
        candidates.map((c) => c.room.id),
        slotsFrom,
        slotsTo,
      ),
    'find-busy',
  );
  // All that does not depend on Exchange is done while its answers are on the wire: which rooms the app's own
  // bookings and the booking rules leave free, why each does not fit, and their order of fit. After the last answer
  // only Exchange's verdict per room is left to apply (issue 13: this loop and the sort came after it, over 5,000 rooms).
  const now = ctx.clock.now();
  const allowed = ruleChecker(now, local.checkRules);
  const missesOf = missesFinder(q);
  const people = q.people ?? 1;
  // Closest capacity first: the smallest room that seats everyone, or (for near misses) the one nearly big enough.
  const byFit = (a: { c: Candidate }, b: { c: Candidate }) =>
    Math.abs(a.c.room.capacity - people) - Math.abs(b.c.room.capacity - people) || byName(a.c.room.name, b.c.room.name);
  const locallyFree: { c: Candidate; misses: string[] }[] = [];
  for (const c of candidates) {
    // Free when nothing overlaps the slot: no merge needed for that (issue 13: 5,000 merges were most of the loop).
    if (!noneOverlaps(slotBusy.get(c.room.id), c.slot) || !allowed(c.room, c.slot)) continue;
    locallyFree.push({ c, misses: missesOf(c.room) });
  }
  // A stable sort, then filters: each list below is in the order sorting it alone would give.
  locallyFree.sort(byFit);

  let exchangeUnavailable = false;
  try {
    const got = await answer;
    taking = false;
    if ('err' in got) throw got.err;
    // A gateway that does not tell batches as they come (or told only some): the whole answer, once.
    if (taken !== got.fb.length) {
      forget();
      for (const f of got.fb) take(f);
    }
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    forget();
    exchangeUnavailable = true;
    ctx.log.warn({ event: 'availability.freebusy_unavailable', error: err.message }, 'free/busy unavailable');
  }

  const free = busyInSlot.size ? locallyFree.filter((o) => !busyInSlot.has(o.c.room.id)) : locallyFree;
  const fits = free.filter((o) => o.misses.length === 0);
  const near = fits.length ? [] : free.filter((o) => o.misses.length === 1 && (q.allowFewerSeats || !(q.people && o.c.room.capacity < q.people))).slice(0, 5);
  const stripped = [...fits.slice(0, opts.strips ?? Infinity), ...near];
  // Other times are looked for only when nothing fits: then every fitting room's day is needed.
  const others = fits.length ? [] : candidates.filter((c) => missesOf(c.room).length === 0);
  const dayIds = [...new Set([...stripped.map((o) => o.c.room.id), ...others.map((c) => c.room.id)])];
  // The drawn rooms' days, kept like the slot's bookings: the key names the rooms and the window.
  const dayBusy: Busy = dayIds.length
    ? cachedUntilChange(
        ctx.db,
        `day|${windowStart}|${windowEnd}|${dayIds.join(',')}`,
        () => local.busyByRoom(ctx, dayIds, new Date(windowStart).toISOString(), new Date(windowEnd).toISOString()),
        'find-busy',
      )
    : new Map();
  const merged = new Map<number, Interval[]>();
  const mergedOf = (id: number): Interval[] => {
    let m = merged.get(id);
    if (!m) merged.set(id, (m = mergeIntervals(joined(exchangeBusy, dayBusy, id))));
    return m;
  };
  const withStrip = new Set(stripped);
  const option = (o: { c: Candidate; misses: string[] }): RoomOption => ({
    room: o.c.room,
    slot: o.c.slot,
    strip: withStrip.has(o) ? stripCells(mergedOf(o.c.room.id), o.c.day, STRIP_STEP_MINUTES, o.c.zoneDay, o.c.slot) : [],
    misses: o.misses,
    // The day's busy times, for the people-and-rooms rows drawn beside the best rooms (issue 16).
    ...(withStrip.has(o) ? { busy: mergedOf(o.c.room.id) } : {}),
  });
  const matches = fits.map(option);
  const nearMisses = near.map(option);
  let otherTimes: TimeSuggestion[] = [];
  if (!matches.length) {
    const nowMs = now.toMillis();
    // Nearness is measured from the time asked in each room's own zone: the same 10:30 is an hour apart in London
    // and Budapest, so one room's instant would rank another zone's suggestions wrongly.
    otherTimes = others
      .flatMap((c) =>
        nearestFreeWindows(mergedOf(c.room.id), c.day, (c.slot.end - c.slot.start) / MINUTE_MS, c.slot.start, nowMs, 15, 3)
          .filter((slot) => allowed(c.room, slot))
          .map((slot) => ({ room: c.room, slot, off: Math.abs(slot.start - c.slot.start) })),
      )
      .sort((a, b) => a.off - b.off || a.room.capacity - b.room.capacity)
      .map(({ room, slot }) => ({ room, slot }))
      .slice(0, 5);
  }
  return {
    matches,
    nearMisses,
    otherTimes,
    exchangeUnavailable,
    zones: [...new Set(candidates.map((c) => c.room.timeZone))],
    people: [...personBusy.values()].map((p) => ({ ...p, busy: mergeIntervals(p.busy) })),
    window: { start: windowStart, end: windowEnd },
  };
}
