-- Device tokens: room-door displays, the read API and calendar feeds sign in with one of these instead of a user's
-- session. Only a SHA-256 of the token is stored, so a copied database does not hand out working tokens.

CREATE TABLE device_tokens (
  id            INTEGER PRIMARY KEY,
  label         TEXT NOT NULL,                               -- what an admin calls it ("Trent door", "Thunderbird feed")
  token_hash    TEXT NOT NULL UNIQUE,                        -- hex SHA-256 of the secret
  token_hint    TEXT NOT NULL,                               -- the last 4 characters, to recognise it in the list
  show_subjects INTEGER NOT NULL DEFAULT 0 CHECK (show_subjects IN (0, 1)),  -- privacy: else meetings read "Busy"
  created_by_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at    TEXT NOT NULL,
  revoked_at    TEXT,                                        -- set once; a revoked token never works again
  last_used_at  TEXT
) STRICT;

-- The rooms a token may read; anything else answers 404 as if the room did not exist.
CREATE TABLE device_token_rooms (
  token_id INTEGER NOT NULL REFERENCES device_tokens (id) ON DELETE CASCADE,
  room_id  INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  PRIMARY KEY (token_id, room_id)
) STRICT;

-- Change counter for the schedule's cache. The day view of a large building is read far more often than bookings
-- change (every receptionist's page refreshes every 30 s), so the schedule keeps the meetings it read and reuses them
-- until anything they were built from changes. Triggers bump the counter in the same transaction as the change, so
-- a reader never sees new data with an old version. The schedule reads only this table; the others stay theirs.
CREATE TABLE schedule_changes (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO schedule_changes (id, version) VALUES (1, 0);
CREATE TRIGGER schedule_changes_bookings_insert AFTER INSERT ON bookings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_bookings_update AFTER UPDATE ON bookings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_bookings_delete AFTER DELETE ON bookings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_booking_attendees_insert AFTER INSERT ON booking_attendees BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_booking_attendees_update AFTER UPDATE ON booking_attendees BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_booking_attendees_delete AFTER DELETE ON booking_attendees BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_external_bookings_insert AFTER INSERT ON external_bookings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_external_bookings_update AFTER UPDATE ON external_bookings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_external_bookings_delete AFTER DELETE ON external_bookings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_rooms_insert AFTER INSERT ON rooms BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_rooms_update AFTER UPDATE ON rooms BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_rooms_delete AFTER DELETE ON rooms BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_room_equipment_insert AFTER INSERT ON room_equipment BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_room_equipment_update AFTER UPDATE ON room_equipment BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_room_equipment_delete AFTER DELETE ON room_equipment BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_users_insert AFTER INSERT ON users BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_users_update AFTER UPDATE ON users BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_users_delete AFTER DELETE ON users BEGIN UPDATE schedule_changes SET version = version + 1; END;
