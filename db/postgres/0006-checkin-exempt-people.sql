-- SQLite 0016 for PostgreSQL: people exempt from check-in by name (issue 15). Same table, columns and meaning.
CREATE TABLE checkin_exempt_people (
  user_id  BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);

CREATE TRIGGER schedule_changes_checkin_exempt_people_insert AFTER INSERT ON checkin_exempt_people FOR EACH ROW EXECUTE FUNCTION bump_schedule_version();
CREATE TRIGGER schedule_changes_checkin_exempt_people_update AFTER UPDATE ON checkin_exempt_people FOR EACH ROW EXECUTE FUNCTION bump_schedule_version();
CREATE TRIGGER schedule_changes_checkin_exempt_people_delete AFTER DELETE ON checkin_exempt_people FOR EACH ROW EXECUTE FUNCTION bump_schedule_version();

CREATE FUNCTION report_room_days_by_exempt_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  person BIGINT := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
BEGIN
  DELETE FROM report_room_days WHERE room_id IN (SELECT room_id FROM bookings WHERE organizer_id = person);
  RETURN NULL;
END $$;
CREATE TRIGGER report_room_days_exempt_people_insert AFTER INSERT ON checkin_exempt_people FOR EACH ROW EXECUTE FUNCTION report_room_days_by_exempt_person();
CREATE TRIGGER report_room_days_exempt_people_delete AFTER DELETE ON checkin_exempt_people FOR EACH ROW EXECUTE FUNCTION report_room_days_by_exempt_person();
