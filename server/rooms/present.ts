import { DateTime, Duration } from 'luxon';
import type { Equipment, Room } from './repo.ts';
import { t } from '../i18n/context.ts';
import { formatDate } from '../i18n/format.ts';

export interface RoomView {
  id: number;
  name: string;
  alias: string;
  email: string;
  capacity: number;
  building: string;
  floor: string;
  timeZone: string;
  hours: string;
  maxDuration: string;
  horizon: string;
  active: boolean;
  equipment: Equipment[];
  /** Null when Exchange confirmed the mailbox; else what the admin sees next to "Not verified". */
  notVerified: string | null;
}

const NOT_VERIFIED = {
  unknown: 'rooms.unverified.unknown',
  'no-access': 'rooms.unverified.no_access',
  unreachable: 'rooms.unverified.unreachable',
} as const;

/** "1 h 30 min", "45 min", "4 h". */
export function formatMinutes(minutes: number): string {
  const d = Duration.fromObject({ minutes }).shiftTo('hours', 'minutes');
  const parts = [d.hours ? t('duration.hours', { n: d.hours }) : '', d.minutes ? t('duration.minutes', { n: d.minutes }) : ''].filter(Boolean);
  return parts.join(' ') || t('duration.minutes', { n: 0 });
}

export function presentRoom(room: Room, catalogue: Equipment[]): RoomView {
  const labels = new Map(catalogue.map((e) => [e.code, e.label]));
  return {
    id: room.id,
    name: room.name,
    alias: room.alias,
    email: room.email,
    capacity: room.capacity,
    building: room.building,
    floor: room.floor,
    timeZone: room.timeZone,
    hours: `${room.opensAt}–${room.closesAt}`,
    maxDuration: formatMinutes(room.maxDurationMinutes),
    horizon: t('duration.days', { n: room.horizonDays }),
    active: room.active,
    equipment: room.equipment.map((code) => ({ code, label: labels.get(code) ?? code })),
    notVerified: room.mailboxUnverified ? t(NOT_VERIFIED[room.mailboxUnverified]) : null,
  };
}

/** The admin form's field values (strings, as the browser would send them). */
export function roomFormValues(room: Room | undefined): Record<string, unknown> {
  if (!room) {
    return { timeZone: 'Europe/London', opensAt: '07:00', closesAt: '20:00', maxDurationMinutes: '240', horizonDays: '180', active: 'on', equipment: [] };
  }
  return {
    name: room.name,
    alias: room.alias,
    email: room.email,
    capacity: String(room.capacity),
    building: room.building,
    floor: room.floor,
    timeZone: room.timeZone,
    opensAt: room.opensAt,
    closesAt: room.closesAt,
    maxDurationMinutes: String(room.maxDurationMinutes),
    horizonDays: String(room.horizonDays),
    active: room.active ? 'on' : '',
    equipment: room.equipment,
  };
}

/** [start, end) in epoch milliseconds. */
export interface DaySpan {
  start: number;
  end: number;
}

/** A meeting holding or once holding the room, as the schedule reports it (private subjects already hidden there). */
export interface DayItem extends DaySpan {
  kind: 'booking' | 'external';
  subject: string;
  organizerName: string;
  /** Who booked it (the schedule's item carries it): the organizer sees their own subject on the room page. */
  organizerEmail?: string;
  /** False for bookings that no longer hold the room (declined, failed): not shown as busy. */
  active: boolean;
}

/** A room's day as the room page needs it; app.ts wires it to the schedule feature, which imports rooms (no cycle). */
export interface RoomDay {
  items: readonly DayItem[];
  /** Free stretches within opening hours. */
  gaps: readonly DaySpan[];
}

export interface RoomDaySource {
  day(room: Room, date: string): RoomDay;
  /** The seven days (Monday first) of the week holding `date`. */
  week?(room: Room, date: string): (RoomDay & { date: string })[];
  /** The booking form filled in for a slot (availability/present.ts bookingLink). */
  bookingLink(room: Pick<Room, 'id' | 'timeZone'>, slot: DaySpan): string;
}

export interface DayBlockView {
  free: boolean;
  /** "10:00–11:00" in the room's zone. */
  time: string;
  /** "Free", the subject ("Private meeting" for private ones) or "Busy". */
  label: string;
  /** Who booked it, and where ("booked in Outlook"); empty for free gaps. */
  detail: string;
  /** The booking form for this gap; null for busy blocks and gaps already over. */
  bookHref: string | null;
}

export interface RoomDayView {
  date: string;
  /** "Tuesday 1 December 2026". */
  dateLabel: string;
  /** "Tuesday 1" (hu: "1., kedd"), for the week view's day headings. */
  dayLabel: string;
  zone: string;
  prevHref: string;
  nextHref: string;
  todayHref: string | null;
  bookHref: string;
  blocks: DayBlockView[];
  /** Sentence for screen readers and the empty state, e.g. "2 meetings, 3 free gaps". */
  summary: string;
}

const FIVE_MINUTES = 5 * 60_000;

/** Today's local date in the room's zone. */
export function roomToday(room: Pick<Room, 'timeZone'>, now: DateTime): string {
  return now.setZone(room.timeZone).toFormat('yyyy-MM-dd');
}

/** The room page's day: busy blocks and free gaps in time order, with the day navigation and booking links. */
/**
 * Whose subjects a viewer may read on a room's calendar: their own bookings always; reception and admins every
 * booking's (private ones already read "Private meeting" from the schedule); anyone else reads "Busy".
 */
export interface SubjectViewer {
  email: string;
  seesAllSubjects: boolean;
  /** The room is set to show subjects (rooms/profile.ts): everyone reads them, except private ones. */
  roomShowsSubjects?: boolean;
}

export function visibleSubject(item: Pick<DayItem, 'kind' | 'subject' | 'organizerEmail'> & { private?: boolean }, viewer: SubjectViewer | undefined): string {
  // The words in the reader's language; a private booking's stored subject is the English placeholder.
  const busy = t('room.busy');
  const subject = item.private ? t('booking.private_meeting') : item.subject;
  if (!viewer || viewer.seesAllSubjects) return subject || busy;
  const own = item.kind === 'booking' && !!item.organizerEmail && item.organizerEmail.toLowerCase() === viewer.email.toLowerCase();
  if (viewer.roomShowsSubjects && !item.private && !own) return item.subject || busy;
  return own ? subject || busy : busy;
}

export function presentRoomDay(
  room: Room,
  date: string,
  day: RoomDay,
  source: Pick<RoomDaySource, 'bookingLink'>,
  now: DateTime,
  viewer?: SubjectViewer,
): RoomDayView {
  const zone = room.timeZone;
  const hhmm = (ms: number) => formatDate(DateTime.fromMillis(ms, { zone }), 'time');
  const span = (s: DaySpan) => `${hhmm(s.start)}–${hhmm(s.end)}`;
  const busy = day.items.filter((i) => i.active);
  // A gap under way is offered from the next five-minute line (the booking form's step); one already over, not at all.
  const from = Math.ceil(now.toMillis() / FIVE_MINUTES) * FIVE_MINUTES;
  const bookable = (g: DaySpan): DaySpan | null => (g.end - Math.max(g.start, from) >= FIVE_MINUTES ? { start: Math.max(g.start, from), end: g.end } : null);
  const blocks = [
    ...busy.map((i) => ({
      start: i.start,
      view: {
        free: false,
        time: span(i),
        label: visibleSubject(i, viewer),
        detail:
          i.kind === 'external'
            ? i.organizerName
              ? t('room.booked_outlook_by', { name: i.organizerName })
              : t('room.booked_outlook')
            : t('room.booked_by', { name: i.organizerName || t('schedule.unknown_organizer') }),
        bookHref: null,
      },
    })),
    ...day.gaps.map((g) => ({
      start: g.start,
      view: { free: true, time: span(g), label: t('schedule.free'), detail: '', bookHref: bookable(g) ? source.bookingLink(room, bookable(g)!) : null },
    })),
  ]
    .sort((a, b) => a.start - b.start)
    .map((b) => b.view);
  const d = DateTime.fromISO(date, { zone });
  const href = (x: DateTime) => `/rooms/${room.id}?date=${x.toFormat('yyyy-MM-dd')}`;
  const today = roomToday(room, now);
  return {
    date,
    dateLabel: formatDate(d, 'dateLong'),
    dayLabel: formatDate(d, 'weekdayDay'),
    zone,
    prevHref: href(d.minus({ days: 1 })),
    nextHref: href(d.plus({ days: 1 })),
    todayHref: date === today ? null : `/rooms/${room.id}`,
    bookHref: `/bookings/new?${new URLSearchParams({ roomId: String(room.id), date })}`,
    blocks,
    summary: t('room.day_counts', { meetings: busy.length, gaps: day.gaps.length }),
  };
}
