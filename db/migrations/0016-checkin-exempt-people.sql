-- Check-in (issue 15): people exempt from check-in by name (executives, trainers), chosen by an admin. A booking this
-- person organizes needs no check-in and is never released as a no-show, whoever booked it and in whichever room.
CREATE TABLE checkin_exempt_people (
  user_id  INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
) STRICT;

-- Who must check in changes what the timeline and door displays show: the data version follows this table too.
CREATE TRIGGER schedule_changes_checkin_exempt_people_insert AFTER INSERT ON checkin_exempt_people BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_exempt_people_update AFTER UPDATE ON checkin_exempt_people BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_exempt_people_delete AFTER DELETE ON checkin_exempt_people BEGIN UPDATE schedule_changes SET version = version + 1; END;

-- The report counts an exempt person's bookings as exempt (not no-shows): the stored day summaries of the rooms they
-- booked are forgotten when the list changes (a rare admin action, so whole rooms rather than exact days).
CREATE TRIGGER report_room_days_exempt_people_insert AFTER INSERT ON checkin_exempt_people BEGIN
  DELETE FROM report_room_days WHERE room_id IN (SELECT room_id FROM bookings WHERE organizer_id = NEW.user_id);
END;
CREATE TRIGGER report_room_days_exempt_people_delete AFTER DELETE ON checkin_exempt_people BEGIN
  DELETE FROM report_room_days WHERE room_id IN (SELECT room_id FROM bookings WHERE organizer_id = OLD.user_id);
END;
