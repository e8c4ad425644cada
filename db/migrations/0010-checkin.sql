-- Check-in (issue 15): settings per building and per room, the check-in facts of each booking, door displays that
-- may act, and the outbox job kind that releases a no-show's room. Facts live in tables of their own so the booking
-- state machine keeps its seven states: a released booking is simply 'cancelled' (the room no longer holds it).

-- A building's default; a room without its own row (or with NULL columns) follows it, else the app's default.
CREATE TABLE checkin_building_defaults (
  building         TEXT PRIMARY KEY,
  required         INTEGER NOT NULL CHECK (required IN (0, 1)),
  opens_before_min INTEGER NOT NULL CHECK (opens_before_min BETWEEN 0 AND 120),
  closes_after_min INTEGER NOT NULL CHECK (closes_after_min BETWEEN 1 AND 120),
  release_action   TEXT NOT NULL CHECK (release_action IN ('release-room', 'cancel-meeting')),
  updated_at       TEXT NOT NULL
) STRICT;

-- A room's own choice; NULL in a column = the building's default for that column.
CREATE TABLE checkin_room_settings (
  room_id          INTEGER PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  required         INTEGER CHECK (required IN (0, 1)),
  opens_before_min INTEGER CHECK (opens_before_min BETWEEN 0 AND 120),
  closes_after_min INTEGER CHECK (closes_after_min BETWEEN 1 AND 120),
  release_action   TEXT CHECK (release_action IN ('release-room', 'cancel-meeting')),
  updated_at       TEXT NOT NULL
) STRICT;

-- One row per booking that anything happened to: checked in, exempted by reception, or released as a no-show.
CREATE TABLE booking_checkins (
  booking_id     INTEGER PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
  checked_in_at  TEXT,
  checked_in_by  TEXT,                          -- who: a user name, 'link' (the organizer's signed link) or a display's label
  exempt         INTEGER NOT NULL DEFAULT 0 CHECK (exempt IN (0, 1)),   -- reception: "no check-in needed"
  exempt_by      TEXT,
  released_at    TEXT,                          -- set once, in the transaction that queued the release: never twice
  release_reason TEXT CHECK (release_reason IN ('no-show', 'all-declined')),
  release_action TEXT CHECK (release_action IN ('release-room', 'cancel-meeting')),
  release_note   TEXT                           -- what the organizer reads ("released: nobody checked in by 10:10")
) STRICT;

-- A released booking's room must show free on the timeline at once: the schedule's cache follows this table too.
CREATE TRIGGER schedule_changes_booking_checkins_insert AFTER INSERT ON booking_checkins BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_booking_checkins_update AFTER UPDATE ON booking_checkins BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_booking_checkins_delete AFTER DELETE ON booking_checkins BEGIN UPDATE schedule_changes SET version = version + 1; END;

-- Door displays: an admin chooses per token whether it may act (book now, extend, end early, check in).
ALTER TABLE device_tokens ADD COLUMN can_act INTEGER NOT NULL DEFAULT 0 CHECK (can_act IN (0, 1));
-- Who organizes a door display's "Book now" meeting (the room's walk-in account); NULL = the display cannot book.
ALTER TABLE device_tokens ADD COLUMN walkin_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- The outbox gains the 'release' kind (room taken off the meeting). SQLite cannot change a CHECK in place, so the
-- table is copied; nothing references outbox_jobs, and its two indexes are made again.
CREATE TABLE outbox_jobs_new (
  id              INTEGER PRIMARY KEY,
  booking_id      INTEGER NOT NULL REFERENCES bookings (id),
  kind            TEXT NOT NULL CHECK (kind IN ('create', 'update', 'cancel', 'release')),
  step            TEXT NOT NULL DEFAULT 'queued'
                  CHECK (step IN ('queued', 'item-written', 'submitting', 'submitted', 'done')),
  status          TEXT NOT NULL DEFAULT 'waiting'
                  CHECK (status IN ('waiting', 'running', 'done', 'failed', 'skipped')),
  meeting_json    TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  locked_until    TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
) STRICT;
INSERT INTO outbox_jobs_new SELECT id, booking_id, kind, step, status, meeting_json, attempts, next_attempt_at,
  locked_until, last_error, created_at, updated_at FROM outbox_jobs;
DROP TABLE outbox_jobs;
ALTER TABLE outbox_jobs_new RENAME TO outbox_jobs;
CREATE INDEX outbox_jobs_due ON outbox_jobs (status, next_attempt_at) WHERE status IN ('waiting', 'running');
CREATE INDEX outbox_jobs_by_booking ON outbox_jobs (booking_id, id);
