// The one place the schedule reads bookings, through the bookings service's lean window queries.
import type { AppContext } from '../context.ts';
import { listBookingSummaries, listExternalMeetings, PRIVATE_SUBJECT } from '../bookings/service.ts';
import { ACTIVE_STATES, type BookingState } from '../bookings/states.ts';
import { findUser, listUsers } from '../users/service.ts';
import { cachedUntilChange, cachedUntilRoomsChange } from './cache.ts';

/** What a schedule shows of a booking, whether the app booked it or someone booked it in Outlook. */
export interface ScheduleItem {
  kind: 'booking' | 'external';
  /** Booking id (kind booking) or external row id. */
  id: number;
  roomId: number;
  uid: string;
  subject: string;
  /** A private booking: `subject` holds the English PRIVATE_SUBJECT; pages show shownSubject() in the reader's language. */
  private?: boolean;
  organizerName: string;
  organizerEmail: string;
  /** People invited besides the organizer. */
  attendeeCount: number;
  state: BookingState | 'external';
  /** Holds the room (pending, booked, updating, or an Outlook meeting). */
  active: boolean;
  /** Epoch milliseconds (see timeline.ts for why not luxon objects). */
  start: number;
  end: number;
  sequence: number;
  updatedAt: string | null;
  /** Check-in facts (issue 15): checked in, released as a no-show, or "no check-in needed". Absent: none. */
  checkin?: CheckinLabel;
  /** One date of a recurring series booked in this app (issue 14). */
  series?: boolean;
  /** A series date's Exchange UID (the series') and original start in epoch ms (RECURRENCE-ID), for the feed. */
  seriesUid?: string;
  recurrenceId?: number;
}

export type CheckinLabel = 'checked-in' | 'released' | 'exempt';
/** Check-in labels per booking id (checkin/service.ts checkinLabels): the check-in feature imports the schedule, not the other way. */
export type CheckinLabelSource = (ctx: Pick<AppContext, 'db' | 'clock'>, bookingIds: readonly number[]) => ReadonlyMap<number, CheckinLabel>;
/**
 * What the schedule reads besides its context, handed in by app.ts (and by the check-in feature, which owns the
 * labels) as an explicit argument. Every caller passes the same source: the cache below keys on the window only.
 */
export interface ScheduleDeps {
  checkinLabels: CheckinLabelSource;
}
type Ctx = Pick<AppContext, 'db' | 'clock'> & ScheduleDeps;

// Which states hold the room is the bookings feature's rule (states.ts), not the schedule's.
const ACTIVE: ReadonlySet<BookingState> = new Set(ACTIVE_STATES);
// Stored times are UTC ISO text with a Z, which Date.parse reads exactly.
const ms = (iso: string) => Date.parse(iso);

/**
 * Bookings (except cancelled ones) and Outlook meetings of these rooms overlapping [start, end), by start time.
 * Served from a cache while nothing they depend on has changed (see cache.ts). The result is shared: read-only.
 */
export function listScheduleItems(ctx: Ctx, roomIds: number[], start: number, end: number): readonly ScheduleItem[] {
  if (!roomIds.length) return [];
  const key = `items|${start}|${end}|${roomIds.join(',')}`;
  const read = () => Object.freeze(readScheduleItems(ctx, roomIds, start, end));
  // A few rooms (a week view, a door display, a feed): kept by their own counters, so other rooms' bookings leave
  // them alone. The cross-room rules look only at the rooms asked, so these rooms' counters cover the answer.
  return roomIds.length <= 16 ? cachedUntilRoomsChange(ctx.db, 'items', roomIds, false, key, read) : cachedUntilChange(ctx.db, key, read);
}

/** The organizers of these bookings: looked up one by one when few (a room's week, a door display), else every user in one read. */
function organizersOf(ctx: Ctx, summaries: readonly { organizerId: number }[]): Map<number, { displayName: string; email: string }> {
  const ids = new Set(summaries.map((b) => b.organizerId));
  // Reading (and sorting) every user was a twentieth of the mixed load's CPU for views that show a handful of people.
  if (ids.size > 20) return new Map(listUsers(ctx).map((u) => [u.id, u]));
  const out = new Map<number, { displayName: string; email: string }>();
  for (const id of ids) {
    const user = findUser(ctx, id);
    if (user) out.set(id, user);
  }
  return out;
}

function readScheduleItems(ctx: Ctx, roomIds: number[], start: number, end: number): ScheduleItem[] {
  return assembleItems(readRoomParts(ctx, roomIds, start, end).values());
}

/** One room's meetings in a window as read, before the rules that look across rooms (assembleItems). */
export interface RoomParts {
  bookings: ScheduleItem[];
  externals: ScheduleItem[];
  /** Every booking's uid, cancelled ones too: an Outlook copy of any of them is not shown. */
  uids: string[];
}

/** Each room's parts (every room asked has an entry, empty when nothing overlaps the window). */
export function readRoomParts(ctx: Ctx, roomIds: number[], start: number, end: number): Map<number, RoomParts> {
  // toISOString() writes exactly the stored form (UTC, milliseconds, Z), so text comparison in SQL is time order.
  const from = new Date(start).toISOString();
  const to = new Date(end).toISOString();
  const out = new Map<number, RoomParts>(roomIds.map((id) => [id, { bookings: [], externals: [], uids: [] }]));
  const of = (roomId: number) => out.get(roomId) ?? out.set(roomId, { bookings: [], externals: [], uids: [] }).get(roomId)!;
  const summaries = listBookingSummaries(ctx, roomIds, from, to);
  const people = organizersOf(ctx, summaries);
  const labels = ctx.checkinLabels(
    ctx,
    summaries.map((b) => b.id),
  );
  for (const b of summaries) {
    const parts = of(b.roomId);
    parts.uids.push(b.uid);
    const checkin = labels.get(b.id);
    // CASE: a no-show whose room was released stays on the schedule, greyed, so reception sees why the room is free.
    if (b.state === 'cancelled' && checkin !== 'released') continue;
    const organizer = people.get(b.organizerId);
    parts.bookings.push({
      kind: 'booking',
      id: b.id,
      roomId: b.roomId,
      uid: b.uid,
      // CASE: a private booking's subject stays with its organizer and attendees (they see it on the booking page).
      subject: b.private ? PRIVATE_SUBJECT : b.subject,
      private: b.private,
      // CASE: an organizer whose account was deleted: '' here, shownOrganizer() words it in the reader's language.
      organizerName: organizer?.displayName ?? '',
      organizerEmail: organizer?.email ?? '',
      attendeeCount: b.attendeeCount,
      state: b.state,
      active: ACTIVE.has(b.state),
      start: ms(b.startsAt),
      end: ms(b.endsAt),
      sequence: b.icalSequence,
      updatedAt: b.updatedAt,
      ...(checkin ? { checkin } : {}),
      series: b.seriesId !== null,
      // A date row's uid is the series UID plus -yyyymmdd (series-service.ts occurrenceUid).
      ...(b.seriesId !== null && b.recurrenceId ? { seriesUid: b.uid.replace(/-\d{8}$/, ''), recurrenceId: ms(b.recurrenceId) } : {}),
    });
  }
  for (const x of listExternalMeetings(ctx, roomIds, from, to)) {
    of(x.roomId).externals.push({
      kind: 'external',
      id: x.id,
      roomId: x.roomId,
      uid: x.uid,
      subject: x.subject,
      organizerName: x.organizer,
      organizerEmail: x.organizer.includes('@') ? x.organizer : '',
      attendeeCount: 0,
      state: 'external',
      active: true,
      start: ms(x.startsAt),
      end: ms(x.endsAt),
      sequence: 0,
      updatedAt: null,
    });
  }
  return out;
}

/**
 * The rooms' meetings as a schedule shows them, by start time, with the rules that look across rooms applied.
 * `outcome`, if given, hears what those rules did to each Outlook meeting (hidden, marked as a series, or neither),
 * so a caller keeping rooms between changes knows when another room's change altered this room's meetings.
 */
export function assembleItems(
  rooms: Iterable<RoomParts>,
  outcome?: (item: ScheduleItem, shown: 'hidden' | 'series' | 'plain') => void,
  // Across more rooms than these, these included (assembleByRoom): every booking uid, and how many shown Outlook
  // meetings have each uid. Read as they are: copying a 200-room day's 2,000 uids for each room rebuilt was most of it.
  across?: { uids: ReadonlySet<string>; externalUids: ReadonlyMap<string, number> },
): ScheduleItem[] {
  const all = [...rooms];
  const uids = across?.uids ?? new Set(all.flatMap((r) => r.uids));
  const items: ScheduleItem[] = [];
  const externals: ScheduleItem[] = [];
  for (const r of all) {
    items.push(...r.bookings);
    for (const x of r.externals) {
      // CASE: the reconciler may see the app's own meetings in the room calendar; the booking row is the better record.
      if (uids.has(x.uid)) outcome?.(x, 'hidden');
      else externals.push(x);
    }
  }
  // CASE: a series booked in Outlook reaches us as its dates with one UID (the reconciler expands it): marked as a
  // series, each date named by its start (the feed's RECURRENCE-ID; Outlook's original start is not stored).
  const externalUids = across?.externalUids ?? uidCounts(externals);
  for (const i of externals) {
    const series = externalUids.get(i.uid)! > 1;
    outcome?.(i, series ? 'series' : 'plain');
    items.push(series ? { ...i, series: true, seriesUid: i.uid, recurrenceId: i.start } : i);
  }
  return items.sort((a, b) => a.start - b.start || a.roomId - b.roomId);
}

/** How many of these meetings carry each uid. */
function uidCounts(items: readonly ScheduleItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.uid, (counts.get(i.uid) ?? 0) + 1);
  return counts;
}

/**
 * The same as assembleItems, per room (each room's meetings by start time), for a caller that keeps rooms between
 * changes: `keep(roomId, outcome, build)` returns the room's list kept under `outcome` (what the cross-room rules did
 * to its Outlook meetings, '' for none) or builds it. Only the rules' inputs are gathered across rooms.
 */
export function assembleByRoom(
  rooms: ReadonlyMap<number, RoomParts>,
  keep: (roomId: number, outcome: string, build: () => readonly ScheduleItem[]) => readonly ScheduleItem[],
): Map<number, readonly ScheduleItem[]> {
  const all = [...rooms.values()];
  const uids = new Set(all.flatMap((r) => r.uids));
  // The Outlook meetings shown (not copies of the app's own bookings), counted by uid across every room.
  const externalUids = uidCounts(all.flatMap((r) => r.externals.filter((x) => !uids.has(x.uid))));
  const out = new Map<number, readonly ScheduleItem[]>();
  for (const [roomId, r] of rooms) {
    let outcome = '';
    for (const x of r.externals) outcome += `${x.id}${uids.has(x.uid) ? 'h' : externalUids.get(x.uid)! > 1 ? 's' : 'p'}`;
    out.set(
      roomId,
      keep(roomId, outcome, () => Object.freeze(assembleItems([r], undefined, { uids, externalUids }))),
    );
  }
  return out;
}
