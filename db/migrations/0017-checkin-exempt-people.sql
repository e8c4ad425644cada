-- Check-in (issue 15): people exempt from check-in by name (executives, trainers), chosen by an admin. A booking this
-- person organizes needs no check-in and is never released as a no-show, whoever booked it and in whichever room.
CREATE TABLE checkin_exempt_people (
  user_id  INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
) STRICT;

-- Who must check in changes what the timeline and door displays show: the data version follows this table too.
CREATE TRIGGER schedule_changes_checkin_exempt_people_insert AFTER INSERT ON checkin_exempt_people BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_exempt_people_delete AFTER DELETE ON checkin_exempt_people BEGIN UPDATE schedule_changes SET version = version + 1; END;
