-- The utilisation report's per-room, per-local-day summaries (issue 15: the first report after a change under a
-- second for 500 rooms × a year). server/reports/room-days.ts says what a row holds; server/reports/service.ts fills
-- missing rows when a report needs them, only for days whose every booking has ended (nothing in a row depends on
-- "now", the room's capacity or check-in settings).
--
-- Staying correct: the triggers below delete the rows a write could change, in the writer's transaction, whoever
-- writes (bookings, the outbox worker, the reconciler, check-in, room admin); the next report rebuilds just those
-- room-days. A row's day is the room's local date; a UTC instant's local date is within a day of its UTC date in
-- every zone (UTC-12 to UTC+14), so deleting [UTC date of the start - 1 day, UTC date of the end + 1 day] covers it.
CREATE TABLE report_room_days (
  room_id        INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  day            TEXT NOT NULL,      -- YYYY-MM-DD in the room's zone
  booked_ms      INTEGER NOT NULL,
  booked_open_ms INTEGER NOT NULL,
  bookable_ms    INTEGER NOT NULL,
  bookings       INTEGER NOT NULL,
  held           INTEGER NOT NULL,   -- held, not exempt, starting this day (check-in facts count if check-in is on)
  held_ended     INTEGER NOT NULL,
  held_no_shows  INTEGER NOT NULL,
  held_used_ms   INTEGER NOT NULL,
  released       INTEGER NOT NULL,   -- released no-shows starting this day
  released_ended INTEGER NOT NULL,
  heat           TEXT,               -- JSON: booked ms per local hour 0..23, NULL when nothing was booked
  people         TEXT,               -- JSON: {head count: bookings}, NULL when no head count is known
  PRIMARY KEY (room_id, day)
) STRICT, WITHOUT ROWID;

-- App bookings: a change of room, time, state or uid (uid: whether an Outlook copy counts) — not of subject or notes.
CREATE TRIGGER report_room_days_bookings_insert AFTER INSERT ON bookings BEGIN
  DELETE FROM report_room_days WHERE room_id = NEW.room_id AND day BETWEEN date(NEW.starts_at, '-1 day') AND date(NEW.ends_at, '+1 day');
END;
CREATE TRIGGER report_room_days_bookings_update AFTER UPDATE OF room_id, starts_at, ends_at, state, uid ON bookings BEGIN
  DELETE FROM report_room_days WHERE room_id = OLD.room_id AND day BETWEEN date(OLD.starts_at, '-1 day') AND date(OLD.ends_at, '+1 day');
  DELETE FROM report_room_days WHERE room_id = NEW.room_id AND day BETWEEN date(NEW.starts_at, '-1 day') AND date(NEW.ends_at, '+1 day');
END;
CREATE TRIGGER report_room_days_bookings_delete AFTER DELETE ON bookings BEGIN
  DELETE FROM report_room_days WHERE room_id = OLD.room_id AND day BETWEEN date(OLD.starts_at, '-1 day') AND date(OLD.ends_at, '+1 day');
END;

-- Attendees: only their number counts (a response changes nothing here).
CREATE TRIGGER report_room_days_attendees_insert AFTER INSERT ON booking_attendees BEGIN
  DELETE FROM report_room_days WHERE room_id = (SELECT room_id FROM bookings WHERE id = NEW.booking_id)
    AND day BETWEEN (SELECT date(starts_at, '-1 day') FROM bookings WHERE id = NEW.booking_id)
                AND (SELECT date(ends_at, '+1 day') FROM bookings WHERE id = NEW.booking_id);
END;
CREATE TRIGGER report_room_days_attendees_delete AFTER DELETE ON booking_attendees BEGIN
  DELETE FROM report_room_days WHERE room_id = (SELECT room_id FROM bookings WHERE id = OLD.booking_id)
    AND day BETWEEN (SELECT date(starts_at, '-1 day') FROM bookings WHERE id = OLD.booking_id)
                AND (SELECT date(ends_at, '+1 day') FROM bookings WHERE id = OLD.booking_id);
END;

-- Check-in facts: a check-in, an exemption, a release.
CREATE TRIGGER report_room_days_checkins_insert AFTER INSERT ON booking_checkins BEGIN
  DELETE FROM report_room_days WHERE room_id = (SELECT room_id FROM bookings WHERE id = NEW.booking_id)
    AND day BETWEEN (SELECT date(starts_at, '-1 day') FROM bookings WHERE id = NEW.booking_id)
                AND (SELECT date(ends_at, '+1 day') FROM bookings WHERE id = NEW.booking_id);
END;
CREATE TRIGGER report_room_days_checkins_update AFTER UPDATE ON booking_checkins BEGIN
  DELETE FROM report_room_days WHERE room_id = (SELECT room_id FROM bookings WHERE id = NEW.booking_id)
    AND day BETWEEN (SELECT date(starts_at, '-1 day') FROM bookings WHERE id = NEW.booking_id)
                AND (SELECT date(ends_at, '+1 day') FROM bookings WHERE id = NEW.booking_id);
END;
CREATE TRIGGER report_room_days_checkins_delete AFTER DELETE ON booking_checkins BEGIN
  DELETE FROM report_room_days WHERE room_id = (SELECT room_id FROM bookings WHERE id = OLD.booking_id)
    AND day BETWEEN (SELECT date(starts_at, '-1 day') FROM bookings WHERE id = OLD.booking_id)
                AND (SELECT date(ends_at, '+1 day') FROM bookings WHERE id = OLD.booking_id);
END;

-- Outlook meetings the reconciler saw (it replaces a room's window each pass; seen_at alone changes nothing).
CREATE TRIGGER report_room_days_external_insert AFTER INSERT ON external_bookings BEGIN
  DELETE FROM report_room_days WHERE room_id = NEW.room_id AND day BETWEEN date(NEW.starts_at, '-1 day') AND date(NEW.ends_at, '+1 day');
END;
CREATE TRIGGER report_room_days_external_update AFTER UPDATE OF room_id, uid, starts_at, ends_at ON external_bookings BEGIN
  DELETE FROM report_room_days WHERE room_id = OLD.room_id AND day BETWEEN date(OLD.starts_at, '-1 day') AND date(OLD.ends_at, '+1 day');
  DELETE FROM report_room_days WHERE room_id = NEW.room_id AND day BETWEEN date(NEW.starts_at, '-1 day') AND date(NEW.ends_at, '+1 day');
END;
CREATE TRIGGER report_room_days_external_delete AFTER DELETE ON external_bookings BEGIN
  DELETE FROM report_room_days WHERE room_id = OLD.room_id AND day BETWEEN date(OLD.starts_at, '-1 day') AND date(OLD.ends_at, '+1 day');
END;

-- A room's zone or opening hours change every one of its days (capacity does not: head counts are kept uncapped).
CREATE TRIGGER report_room_days_rooms_update AFTER UPDATE OF time_zone, opens_at_local, closes_at_local ON rooms BEGIN
  DELETE FROM report_room_days WHERE room_id = OLD.id;
END;

-- ---- Check-in: the series rule (issue 15) ----
-- A series whose room was not checked into for this many of its dates in a row loses the room for the rest of the
-- series (0 = never). Per building, like the other check-in defaults; the app's default is 3.
ALTER TABLE checkin_building_defaults ADD COLUMN series_misses INTEGER NOT NULL DEFAULT 3 CHECK (series_misses BETWEEN 0 AND 52);

-- A series that lost its room: written once, in the transaction that queues the room's cancellations, so the rule
-- fires exactly once whatever restarts or second sweeps happen. The organizer reads the note on every date's page.
CREATE TABLE checkin_series_releases (
  series_id   INTEGER PRIMARY KEY REFERENCES booking_series (id) ON DELETE CASCADE,
  released_at TEXT NOT NULL,
  missed      INTEGER NOT NULL,     -- the dates in a row nobody checked in to
  dates       INTEGER NOT NULL,     -- the dates still to come that lost the room
  from_start  TEXT NOT NULL         -- the first of them (UTC)
) STRICT;

-- A counter per room, raised whenever any of its stored summaries is deleted (by the triggers above, whoever wrote):
-- a process keeps the summaries it read in memory and re-reads a room only when its counter moved, so the first
-- report after a change reads the changed room's rows, not every room's year.
CREATE TABLE report_room_versions (
  room_id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT;
CREATE TRIGGER report_room_days_deleted AFTER DELETE ON report_room_days BEGIN
  INSERT INTO report_room_versions (room_id, version) VALUES (OLD.room_id, 1)
    ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;

-- Door displays: the named people a "Book now" meeting may be organized by (chosen on the display from this list);
-- with none listed the room's walk-in account organizes it, as before.
CREATE TABLE display_token_people (
  token_id INTEGER NOT NULL REFERENCES device_tokens (id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (token_id, user_id)
) STRICT;
