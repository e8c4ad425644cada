-- SQLite 0015 for PostgreSQL: the report's per-room, per-day summaries and the triggers that forget the days a write
-- could change (whoever writes), the check-in series rule, and the people a door display may book for. Same tables,
-- columns and meaning; SQLite's per-table trigger bodies become one PL/pgSQL function per kind of row. A UTC ISO
-- text's first ten characters are its UTC date, so date(x, '-1 day') is left(x, 10)::date - 1.
CREATE TABLE report_room_days (
  room_id        BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  day            TEXT NOT NULL,
  booked_ms      BIGINT NOT NULL,
  booked_open_ms BIGINT NOT NULL,
  bookable_ms    BIGINT NOT NULL,
  bookings       INTEGER NOT NULL,
  held           INTEGER NOT NULL,
  held_ended     INTEGER NOT NULL,
  held_no_shows  INTEGER NOT NULL,
  held_used_ms   BIGINT NOT NULL,
  released       INTEGER NOT NULL,
  released_ended INTEGER NOT NULL,
  heat           TEXT,
  people         TEXT,
  PRIMARY KEY (room_id, day)
);

CREATE TABLE report_room_versions (
  room_id BIGINT PRIMARY KEY,
  version BIGINT NOT NULL
);

CREATE FUNCTION report_room_days_forget(p_room BIGINT, p_starts TEXT, p_ends TEXT) RETURNS void LANGUAGE sql AS $$
  DELETE FROM report_room_days
   WHERE room_id = p_room
     AND day BETWEEN (left(p_starts, 10)::date - 1)::text AND (left(p_ends, 10)::date + 1)::text;
$$;

-- Bookings and Outlook meetings: a change of room, time, state or uid (the UPDATE OF lists match SQLite's).
CREATE FUNCTION report_room_days_by_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_room_days_forget(OLD.room_id, OLD.starts_at, OLD.ends_at); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_room_days_forget(NEW.room_id, NEW.starts_at, NEW.ends_at); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_room_days_bookings_insert AFTER INSERT ON bookings FOR EACH ROW EXECUTE FUNCTION report_room_days_by_row();
CREATE TRIGGER report_room_days_bookings_update AFTER UPDATE OF room_id, starts_at, ends_at, state, uid ON bookings
  FOR EACH ROW EXECUTE FUNCTION report_room_days_by_row();
CREATE TRIGGER report_room_days_bookings_delete AFTER DELETE ON bookings FOR EACH ROW EXECUTE FUNCTION report_room_days_by_row();
CREATE TRIGGER report_room_days_external_insert AFTER INSERT ON external_bookings FOR EACH ROW EXECUTE FUNCTION report_room_days_by_row();
CREATE TRIGGER report_room_days_external_update AFTER UPDATE OF room_id, uid, starts_at, ends_at ON external_bookings
  FOR EACH ROW EXECUTE FUNCTION report_room_days_by_row();
CREATE TRIGGER report_room_days_external_delete AFTER DELETE ON external_bookings FOR EACH ROW EXECUTE FUNCTION report_room_days_by_row();

-- Attendees (their number) and check-in facts: the days of the booking they belong to.
CREATE FUNCTION report_room_days_by_booking() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE b RECORD;
BEGIN
  SELECT room_id, starts_at, ends_at INTO b FROM bookings
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.booking_id ELSE NEW.booking_id END;
  IF FOUND THEN PERFORM report_room_days_forget(b.room_id, b.starts_at, b.ends_at); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_room_days_attendees_insert AFTER INSERT ON booking_attendees FOR EACH ROW EXECUTE FUNCTION report_room_days_by_booking();
CREATE TRIGGER report_room_days_attendees_delete AFTER DELETE ON booking_attendees FOR EACH ROW EXECUTE FUNCTION report_room_days_by_booking();
CREATE TRIGGER report_room_days_checkins_insert AFTER INSERT ON booking_checkins FOR EACH ROW EXECUTE FUNCTION report_room_days_by_booking();
CREATE TRIGGER report_room_days_checkins_update AFTER UPDATE ON booking_checkins FOR EACH ROW EXECUTE FUNCTION report_room_days_by_booking();
CREATE TRIGGER report_room_days_checkins_delete AFTER DELETE ON booking_checkins FOR EACH ROW EXECUTE FUNCTION report_room_days_by_booking();

-- A room's zone or opening hours change every one of its days.
CREATE FUNCTION report_room_days_by_room() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_room_days WHERE room_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER report_room_days_rooms_update AFTER UPDATE OF time_zone, opens_at_local, closes_at_local ON rooms
  FOR EACH ROW EXECUTE FUNCTION report_room_days_by_room();

-- A counter per room, raised whenever any of its stored summaries is deleted.
CREATE FUNCTION report_room_days_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_room_versions (room_id, version) VALUES (OLD.room_id, 1)
    ON CONFLICT (room_id) DO UPDATE SET version = report_room_versions.version + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER report_room_days_deleted AFTER DELETE ON report_room_days FOR EACH ROW EXECUTE FUNCTION report_room_days_deleted();

-- Check-in: the series rule.
ALTER TABLE checkin_building_defaults ADD COLUMN series_misses INTEGER NOT NULL DEFAULT 3 CHECK (series_misses BETWEEN 0 AND 52);

CREATE TABLE checkin_series_releases (
  series_id   BIGINT PRIMARY KEY REFERENCES booking_series (id) ON DELETE CASCADE,
  released_at TEXT NOT NULL,
  missed      INTEGER NOT NULL,
  dates       INTEGER NOT NULL,
  from_start  TEXT NOT NULL
);

-- Door displays: the named people a "Book now" meeting may be organized by.
CREATE TABLE display_token_people (
  token_id BIGINT NOT NULL REFERENCES device_tokens (id) ON DELETE CASCADE,
  user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (token_id, user_id)
);
