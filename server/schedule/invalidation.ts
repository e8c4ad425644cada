// The one owner of "when does a cached schedule go stale". Read this before changing any table listed below.
//
// Schedules (day view, week view, door displays, the read API, feeds) are cached until anything they are built from
// changes. Nothing in the code that writes those tables calls the cache: migration 0003-reception.sql installs an
// AFTER INSERT, AFTER UPDATE and AFTER DELETE trigger on each table in SCHEDULE_SOURCE_TABLES (3 per table)
// that bumps schedule_changes.version in the same transaction as the change. So a write by any feature (bookings,
// the outbox worker, the reconciler, room and user admin) invalidates every cached schedule, and a rolled-back write
// does not. invalidation.test.ts compares this list with the triggers actually in the schema, so adding a table here
// without a trigger (or a trigger without naming its table here) fails a test.
//
// A new table that schedules read needs a migration adding its three triggers, and its name here.
//
// Per room (migration 0017): the same tables also raise schedule_room_versions for the room a row belongs to (room 0:
// every room, for people and a building's check-in defaults), which lets the day view keep each room's meetings and
// rendered row between versions (room-items.ts). The test checks those triggers against this same list, so a table
// added here needs both sets.

/** Tables a schedule is built from; each has insert/update/delete triggers bumping schedule_changes.version. */
// booking_checkins: check-in facts (migration 0010), shown on the timeline, displays, API and feeds;
// checkin_exempt_people: who needs no check-in (migration 0016), which the timeline's labels follow.
export const SCHEDULE_SOURCE_TABLES = [
  'bookings',
  'booking_attendees',
  'booking_checkins',
  'checkin_room_settings',
  'checkin_building_defaults',
  'checkin_exempt_people',
  'external_bookings',
  'rooms',
  'room_equipment',
  'users',
] as const;

// The counter itself is read in repo.ts (SQL lives in repositories).
export { scheduleRoomVersions, scheduleVersion } from './repo.ts';
