-- Per-room change counters for the reception day view (issue 13: the first view after a change in ≤ 10 ms). The
-- one schedule_changes counter (0003) says "something changed"; this table says which room: the day view keeps each
-- room's meetings and rendered row between versions and, after one booking changes, re-reads and re-renders that
-- room's row only (server/schedule/room-items.ts). Room 0 stands for every room: a change the triggers cannot pin
-- on one room (a person's name is shown on any room's row; a building's check-in default). Room -1 is the rooms
-- directory itself (rooms and their equipment): the day view keeps its list of rooms until that one moves.
--
-- Staying correct: the triggers watch exactly the tables that move schedule_changes (invalidation.ts names them and
-- its test checks both sets of triggers), in the writer's transaction, whoever writes. A room without a row here is
-- at version 0.
CREATE TABLE schedule_room_versions (
  room_id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT;

-- App bookings: the old and the new room (a move changes both rows).
CREATE TRIGGER schedule_room_versions_bookings_insert AFTER INSERT ON bookings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_bookings_update AFTER UPDATE ON bookings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_bookings_delete AFTER DELETE ON bookings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;

-- Attendees and check-in facts: the room of their booking (none left when the booking itself was deleted, which
-- moved that room already). "WHERE true" lets SQLite read ON CONFLICT after a SELECT.
CREATE TRIGGER schedule_room_versions_booking_attendees_insert AFTER INSERT ON booking_attendees BEGIN
  INSERT INTO schedule_room_versions (room_id, version) SELECT room_id, 1 FROM bookings WHERE id = NEW.booking_id AND true
    ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_booking_attendees_update AFTER UPDATE ON booking_attendees BEGIN
  INSERT INTO schedule_room_versions (room_id, version) SELECT room_id, 1 FROM bookings WHERE id IN (OLD.booking_id, NEW.booking_id) AND true
    ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_booking_attendees_delete AFTER DELETE ON booking_attendees BEGIN
  INSERT INTO schedule_room_versions (room_id, version) SELECT room_id, 1 FROM bookings WHERE id = OLD.booking_id AND true
    ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_booking_checkins_insert AFTER INSERT ON booking_checkins BEGIN
  INSERT INTO schedule_room_versions (room_id, version) SELECT room_id, 1 FROM bookings WHERE id = NEW.booking_id AND true
    ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_booking_checkins_update AFTER UPDATE ON booking_checkins BEGIN
  INSERT INTO schedule_room_versions (room_id, version) SELECT room_id, 1 FROM bookings WHERE id IN (OLD.booking_id, NEW.booking_id) AND true
    ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_booking_checkins_delete AFTER DELETE ON booking_checkins BEGIN
  INSERT INTO schedule_room_versions (room_id, version) SELECT room_id, 1 FROM bookings WHERE id = OLD.booking_id AND true
    ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;

-- Outlook meetings the reconciler saw.
CREATE TRIGGER schedule_room_versions_external_bookings_insert AFTER INSERT ON external_bookings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_external_bookings_update AFTER UPDATE ON external_bookings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_external_bookings_delete AFTER DELETE ON external_bookings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;

-- Rooms, their equipment (both also the directory, -1) and their check-in settings.
CREATE TRIGGER schedule_room_versions_rooms_insert AFTER INSERT ON rooms BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (-1, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_rooms_update AFTER UPDATE ON rooms BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (-1, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_rooms_delete AFTER DELETE ON rooms BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (-1, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_room_equipment_insert AFTER INSERT ON room_equipment BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (-1, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_room_equipment_update AFTER UPDATE ON room_equipment BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (-1, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_room_equipment_delete AFTER DELETE ON room_equipment BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (-1, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_room_settings_insert AFTER INSERT ON checkin_room_settings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_room_settings_update AFTER UPDATE ON checkin_room_settings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
  INSERT INTO schedule_room_versions (room_id, version) VALUES (NEW.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_room_settings_delete AFTER DELETE ON checkin_room_settings BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (OLD.room_id, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;

-- Every room (room 0): people (organizer names and addresses on any row) and a building's check-in defaults. Of a
-- person only the name and address are shown, so a sign-in (last_login_at) or a language switch keeps every row.
CREATE TRIGGER schedule_room_versions_users_insert AFTER INSERT ON users BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_users_update AFTER UPDATE OF display_name, email ON users BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_users_delete AFTER DELETE ON users BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_building_defaults_insert AFTER INSERT ON checkin_building_defaults BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_building_defaults_update AFTER UPDATE ON checkin_building_defaults BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_building_defaults_delete AFTER DELETE ON checkin_building_defaults BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
-- People exempt from check-in (0016): their bookings in any room read "no check-in needed", so every room.
CREATE TRIGGER schedule_room_versions_checkin_exempt_people_insert AFTER INSERT ON checkin_exempt_people BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_exempt_people_update AFTER UPDATE ON checkin_exempt_people BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER schedule_room_versions_checkin_exempt_people_delete AFTER DELETE ON checkin_exempt_people BEGIN
  INSERT INTO schedule_room_versions (room_id, version) VALUES (0, 1) ON CONFLICT (room_id) DO UPDATE SET version = version + 1;
END;
