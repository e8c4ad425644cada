// Reception checks bookings in from the timeline (issue 15): the day view lists the meetings whose check-in window is
// open now, each with a Check in button (POST /bookings/:id/checkin with the page's CSRF token, back to the
// timeline). Not inside the blocks: a block is a link (a form may not sit in one) and rows are cached HTML shared by
// every viewer, while the button needs this session's token.
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { getBooking, listBookingSummaries, PRIVATE_SUBJECT } from '../bookings/service.ts';
import { ACTIVE_STATES } from '../bookings/states.ts';
import { listRooms } from '../rooms/service.ts';
import { t } from '../i18n/context.ts';
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
 */
export function dueCheckins(ctx: Pick<AppContext, 'db' | 'clock'>, building: string | null, date: string | null = null): DueCheckin[] {
  const now = ctx.clock.now();
  // Every zone's today is within a day of UTC's: other dates cost no query.
  if (date !== null && !(Math.abs(Date.parse(`${date}T00:00:00Z`) - Date.parse(`${now.toUTC().toISODate()}T00:00:00Z`)) <= 86_400_000)) return [];
  const on = new Set(roomIdsWithCheckinOn(ctx));
  const todayIn = new Map<string, string>();
  const isToday = (zone: string) => (todayIn.get(zone) ?? todayIn.set(zone, now.setZone(zone).toISODate()!).get(zone)) === date;
  const rooms = listRooms(ctx, building ? { building } : {}).filter((r) => on.has(r.id) && (date === null || isToday(r.timeZone)));
  if (!rooms.length) return [];
  // Windows are at most 2 h either side of the start (the settings' CHECK).
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
