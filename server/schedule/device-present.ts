import { DateTime } from 'luxon';
import type { Room } from '../rooms/service.ts';
import type { ScheduleItem } from './service.ts';
import { shownOrganizer, stateTag, visibleSubject } from './present.ts';
import type { DisplayState } from './timeline.ts';
import { t } from '../i18n/context.ts';
import { formatDate } from '../i18n/format.ts';

const hhmm = (t: number | DateTime, zone: string) => (typeof t === 'number' ? DateTime.fromMillis(t) : t).setZone(zone).toFormat('HH:mm');
const iso = (t: number) => new Date(t).toISOString();

/** A room as the read API shows it; links carry no token (the caller adds its own). */
export function presentApiRoom(r: Room) {
  return {
    alias: r.alias,
    name: r.name,
    building: r.building,
    floor: r.floor,
    capacity: r.capacity,
    timeZone: r.timeZone,
    opensAt: r.opensAt,
    closesAt: r.closesAt,
    equipment: r.equipment,
    links: {
      bookings: `/api/rooms/${r.alias}/bookings`,
      status: `/api/rooms/${r.alias}/status`,
      display: `/display/${r.alias}`,
      feed: `/feeds/rooms/${r.alias}.ics`,
    },
  };
}

/** A meeting for the API: UTC instants plus local times; no attendee addresses ever leave through a device token. */
export function presentApiBooking(i: ScheduleItem, r: Room, showSubjects: boolean) {
  return {
    uid: i.uid,
    subject: visibleSubject(i, showSubjects),
    organizer: showSubjects ? shownOrganizer(i) : null,
    start: iso(i.start),
    end: iso(i.end),
    localStart: hhmm(i.start, r.timeZone),
    localEnd: hhmm(i.end, r.timeZone),
    state: i.state,
    stateLabel: stateTag(i.state),
    /** Check-in (issue 15): 'checked-in', 'released' (a no-show, room given back), 'exempt', or null. */
    checkin: i.checkin ?? null,
    holdsRoom: i.active,
    source: i.kind === 'booking' ? 'roombook' : 'outlook',
    series: i.series === true,
  };
}

/** The door display's words. */
export function presentDisplay(r: Room, s: DisplayState<ScheduleItem>, now: DateTime, showSubjects: boolean, fakeNow: boolean) {
  const zone = r.timeZone;
  const meeting = (i: ScheduleItem) => ({
    times: `${hhmm(i.start, zone)}–${hhmm(i.end, zone)}`,
    subject: visibleSubject(i, showSubjects),
    organizer: showSubjects ? shownOrganizer(i) : null,
    checkedIn: i.checkin === 'checked-in',
    series: i.series === true,
  });
  return {
    roomName: r.name,
    place: `${t('room.place', { building: r.building, floor: r.floor })} · ${t('room.people', { count: r.capacity })}`,
    zone,
    busy: s.busy,
    word: s.busy ? t('room.busy') : t('schedule.free'),
    until:
      s.busy && s.busyUntil
        ? t('display.until', { time: hhmm(s.busyUntil, zone) })
        : s.freeUntil
          ? t('display.until', { time: hhmm(s.freeUntil, zone) })
          : t('display.rest_of_day'),
    current: s.current ? meeting(s.current) : null,
    upcoming: s.upcoming.map(meeting),
    clock: hhmm(now, zone),
    date: formatDate(now.setZone(zone), 'weekdayDate'),
    /** The JS clock ticks only on the real clock (a faked "now" would be contradicted by it). */
    tick: !fakeNow,
  };
}
