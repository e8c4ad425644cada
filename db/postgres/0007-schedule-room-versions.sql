-- SQLite 0017 for PostgreSQL: the per-room change counters of the reception day view (room 0 = every room, -1 =
-- the rooms directory: rooms and their equipment) and the
-- triggers that raise them, in the writer's transaction, on the same tables as schedule_changes. SQLite's
-- per-table trigger bodies become one PL/pgSQL function per kind of row.
CREATE TABLE schedule_room_versions (
  room_id BIGINT PRIMARY KEY,
  version BIGINT NOT NULL
);

CREATE FUNCTION schedule_room_bump(p_room BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO schedule_room_versions (room_id, version) VALUES (p_room, 1)
    ON CONFLICT (room_id) DO UPDATE SET version = schedule_room_versions.version + 1;
$$;

-- Rows that carry their room: bookings, Outlook meetings, room equipment, room check-in settings (old and new room).
CREATE FUNCTION schedule_room_by_room_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM schedule_room_bump(OLD.room_id); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM schedule_room_bump(NEW.room_id); END IF;
  IF TG_TABLE_NAME = 'room_equipment' THEN PERFORM schedule_room_bump(-1); END IF;
  RETURN NULL;
END $$;

-- Rooms themselves.
CREATE FUNCTION schedule_room_by_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM schedule_room_bump(OLD.id); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM schedule_room_bump(NEW.id); END IF;
  PERFORM schedule_room_bump(-1);
  RETURN NULL;
END $$;

-- Attendees and check-in facts: the room of their booking (none when the booking itself is being deleted).
CREATE FUNCTION schedule_room_by_booking() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r BIGINT;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    FOR r IN SELECT room_id FROM bookings WHERE id = OLD.booking_id LOOP PERFORM schedule_room_bump(r); END LOOP;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    FOR r IN SELECT room_id FROM bookings WHERE id = NEW.booking_id LOOP PERFORM schedule_room_bump(r); END LOOP;
  END IF;
  RETURN NULL;
END $$;

-- People and a building's check-in defaults: every room.
CREATE FUNCTION schedule_room_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM schedule_room_bump(0);
  RETURN NULL;
END $$;

DO $$
DECLARE
  t text;
  e text;
  f text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bookings', 'booking_attendees', 'external_bookings', 'rooms', 'room_equipment', 'users',
                           'booking_checkins', 'checkin_room_settings', 'checkin_building_defaults', 'checkin_exempt_people'] LOOP
    f := CASE
      WHEN t IN ('bookings', 'external_bookings', 'room_equipment', 'checkin_room_settings') THEN 'schedule_room_by_room_id'
      WHEN t = 'rooms' THEN 'schedule_room_by_id'
      WHEN t IN ('booking_attendees', 'booking_checkins') THEN 'schedule_room_by_booking'
      ELSE 'schedule_room_all'
    END;
    FOREACH e IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
      -- Of a person only the name and address are shown (as in SQLite: a sign-in keeps every row).
      EXECUTE format('CREATE TRIGGER schedule_room_versions_%s_%s AFTER %s ON %I FOR EACH ROW EXECUTE FUNCTION %I()',
                     t, e, CASE WHEN t = 'users' AND e = 'update' THEN 'UPDATE OF display_name, email' ELSE upper(e) END, t, f);
    END LOOP;
  END LOOP;
END $$;
