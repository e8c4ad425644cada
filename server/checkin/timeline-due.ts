// Reception checks bookings in from the timeline (issue 15): the day view lists the meetings whose check-in window is
// open now, each with a Check in button (POST /bookings/:id/checkin with the page's CSRF token, back to the
// timeline). Not inside the blocks: a block is a link (a form may not sit in one) and rows are cached HTML shared by
// every viewer, while the button needs this session's token.
import { DateTime } from 'luxon';
import { nowMillis, type AppContext } from '../context.ts';
import { getBooking, listBookingSummaries, PRIVATE_SUBJECT } from '../bookings/service.ts';
import { ACTIVE_STATES } from '../bookings/states.ts';
import { listRooms } from '../rooms/service.ts';
import { currentLocale, t } from '../i18n/context.ts';
import { cachedUntilChange } from '../schedule/queries.ts';
import { dayPlus, zoneDay } from '../time/zone-day.ts';
import { checkinView, roomIdsWithCheckinOn } from './service.ts';

export interface DueCheckin {
  bookingId: number;
  room: string;
  /** "10:00–11:00" in the room's zone. */
  times: string;
  subject: string;
  windowWords: string;
}

/**
 * Bookings in rooms with check-in on whose window is open now, by start. With `date`, only rooms where it is that date
 * now, in their own zone: a window is open now or never on another day. (Compared with the UTC date, a London desk
 * had no list in its first summer hour, and a Budapest desk none in its first one or two.)
 *
 * Kept until the schedule's data moves (bookings, rooms, check-ins and check-in settings all move its counter) and
 * for the minute: the app's meetings start on whole minutes, so windows open and close on them. Every refresh of
 * reception's timeline read the rooms, their settings and the bookings near now again: 1.45 ms of a cached day view's
 * request with 200 rooms.
 */
export function dueCheckins(ctx: Pick<AppContext, 'db' | 'clock'>, building: string | null, date: string | null = null): DueCheckin[] {
  const nowMs = nowMillis(ctx.clock);
  // Every zone's today is the UTC date or a day either side of it: other dates cost nothing.
  const utcToday = new Date(nowMs).toISOString().slice(0, 10);
  if (date !== null && date !== utcToday && date !== dayPlus(utcToday, -1) && date !== dayPlus(utcToday, 1)) return [];
  const minute = Math.floor(nowMs / 60_000);
  const key = `${currentLocale()}|${minute}|${building ?? ''}|${date ?? ''}`;
  return cachedUntilChange(ctx.db, key, () => openNow(ctx, DateTime.fromMillis(nowMs, { zone: 'utc' }), building, date), 'checkin-due');
}

function openNow(ctx: Pick<AppContext, 'db' | 'clock'>, now: DateTime, building: string | null, date: string | null): DueCheckin[] {
  const on = new Set(roomIdsWithCheckinOn(ctx));
  if (!on.size) return [];
  // The room's local date now (zone-day arithmetic: `date` is within a day of now, checked above).
  const isToday = (zone: string) => zoneDay(date!, zone)?.localDate(now.toMillis()) === date;
  const rooms = listRooms(ctx, building ? { building } : {}).filter((r) => on.has(r.id) && (date === null || isToday(r.timeZone)));
  if (!rooms.length) return [];
  const from = now.minus({ hours: 2 }).toUTC().toISO()!;
  const to = now.plus({ hours: 2 }).toUTC().toISO()!;
  const byId = new Map(rooms.map((r) => [r.id, r]));
  const out: DueCheckin[] = [];
  for (const s of listBookingSummaries(
    ctx,
    rooms.map((r) => r.id),
    from,
    to,
  )) {
    if (!ACTIVE_STATES.includes(s.state)) continue;
    const room = byId.get(s.roomId)!;
    const b = getBooking(ctx, s.id);
    if (!b) continue;
    const view = checkinView(ctx, b, room);
    if (!view.canCheckIn || !view.required) continue;
    const local = (iso: string) => DateTime.fromISO(iso).setZone(room.timeZone).toFormat('HH:mm');
    out.push({
      bookingId: b.id,
      room: room.name,
      times: `${local(b.startsAt)}–${local(b.endsAt)}`,
      subject: b.private ? t('booking.private_meeting') : b.subject || PRIVATE_SUBJECT,
      windowWords: view.windowWords,
    });
  }
  return out.sort((a, b) => a.times.localeCompare(b.times));
}
