// The booking form's "who is free" panel (issue 16): the organizer and the attendees typed so far as free/busy rows
// beside the chosen room and other fitting rooms of its building, for the form's date, from ONE batched free/busy
// request for people and rooms together (as Outlook's scheduling tab). The rows are drawn by people-rows.ts.
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { busyInterval, mergeIntervals, type Interval } from '../availability/merge.ts';
import { zoneDay } from '../time/zone-day.ts';
import { activeBusyByRoom } from '../bookings/service.ts';
import { ExchangeError } from '../exchange/errors.ts';
import { currentLocale } from '../i18n/context.ts';
import { NotFoundError } from '../errors.ts';
import { getRoom, listRooms, type Room } from '../rooms/service.ts';
import type { User } from '../users/service.ts';
import { peopleAndRoomRows, type RowPerson, type RowsView } from './people-rows.ts';
import type { FormRowsInput } from './schema.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway'>;

const GRID_ROOMS = 8;
const FREEBUSY_MINUTES = 15;

export interface FormRows {
  zone: string;
  grid: RowsView;
  exchangeUnavailable: boolean;
  /** Mailboxes asked in the one free/busy request (people and rooms). */
  mailboxes: number;
}

/** The form's room, or none when the id names no active room (the panel then shows the closest fits only). */
function roomOrNone(ctx: Ctx, id: number): Room | undefined {
  try {
    const room = getRoom(ctx, id);
    return room.active ? room : undefined;
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

export async function formRows(ctx: Ctx, organizer: Pick<User, 'email' | 'displayName'>, q: FormRowsInput, names: Map<string, string>): Promise<FormRows> {
  const me = organizer.email.toLowerCase();
  const required = q.required.filter((e) => e !== me);
  const optional = q.optional.filter((e) => e !== me && !required.includes(e));
  const people = [me, ...required, ...optional];
  const chosen = q.roomId !== undefined ? roomOrNone(ctx, q.roomId) : undefined;
  const seats = people.length;
  // The chosen room first, then the closest fits of its building (or of every building when none is chosen).
  const others = listRooms(ctx, { building: chosen?.building })
    .filter((r) => r.active && r.id !== chosen?.id && r.capacity >= seats)
    .sort((a, b) => a.capacity - b.capacity || a.name.localeCompare(b.name));
  const rooms: Room[] = [...(chosen ? [chosen] : []), ...others].slice(0, GRID_ROOMS);
  const zone = chosen?.timeZone ?? rooms[0]?.timeZone ?? 'Europe/London';
  const zd = zoneDay(q.date, zone);
  let start = Infinity;
  let end = -Infinity;
  for (const r of rooms) {
    const rz = zoneDay(q.date, r.timeZone);
    const o = rz?.instant(r.opensAt);
    const c = rz?.instant(r.closesAt);
    if (o == null || c == null) continue;
    start = Math.min(start, o);
    end = Math.max(end, c);
  }
  if (!(start < end)) {
    start = zd?.instant('08:00') ?? 0;
    end = zd?.instant('18:00') ?? 0;
  }
  const window: Interval = { start, end };
  const slotStart = q.start ? zd?.instant(q.start) : null;
  const slotEnd = q.end ? zd?.instant(q.end) : null;
  const slot = slotStart != null && slotEnd != null && slotEnd > slotStart ? { start: slotStart, end: slotEnd } : undefined;

  const personBusy = new Map<string, { known: boolean; busy: Interval[] }>(people.map((e) => [e, { known: false, busy: [] }]));
  const roomBusy = activeBusyByRoom(
    ctx,
    rooms.map((r) => r.id),
    new Date(start).toISOString(),
    new Date(end).toISOString(),
  );
  const roomByEmail = new Map(rooms.map((r) => [r.email.toLowerCase(), r.id]));
  let exchangeUnavailable = false;
  const mailboxes = [...people, ...rooms.map((r) => r.email)];
  if (end > start) {
    try {
      const fb = await ctx.gateway.freeBusy(
        mailboxes,
        { start: DateTime.fromMillis(start, { zone: 'utc' }), end: DateTime.fromMillis(end, { zone: 'utc' }) },
        FREEBUSY_MINUTES,
        { language: currentLocale() },
      );
      for (const f of fb) {
        const email = f.email.toLowerCase();
        const slots = f.busy.map(busyInterval);
        const person = personBusy.get(email);
        if (person) {
          person.known = f.known;
          person.busy.push(...slots);
        }
        const roomId = roomByEmail.get(email);
        if (roomId !== undefined) roomBusy.get(roomId)?.push(...slots);
      }
    } catch (err) {
      if (!(err instanceof ExchangeError)) throw err;
      exchangeUnavailable = true;
      ctx.log.warn({ event: 'scheduling.freebusy_unavailable', error: err.message }, 'free/busy unavailable');
    }
  }
  const rows: RowPerson[] = people.map((email) => ({
    email,
    name: email === me ? organizer.displayName : (names.get(email) ?? null),
    known: personBusy.get(email)!.known,
    busy: mergeIntervals(personBusy.get(email)!.busy),
    role: optional.includes(email) ? 'optional' : 'required',
  }));
  const grid = peopleAndRoomRows(ctx, {
    date: q.date,
    zone,
    window,
    ...(slot ? { slot } : {}),
    people: rows,
    rooms: rooms.map((room) => ({ room, busy: mergeIntervals(roomBusy.get(room.id) ?? []) })),
  });
  return { zone, grid, exchangeUnavailable, mailboxes: mailboxes.length };
}
