-- SQLite 0014 for PostgreSQL: what a room's own page shows besides its rules (issue 16), and attendees by address.
CREATE TABLE room_profiles (
  room_id       BIGINT PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  show_subjects INTEGER NOT NULL DEFAULT 0 CHECK (show_subjects IN (0, 1)),
  floor_note    TEXT CHECK (floor_note IS NULL OR length(floor_note) <= 500),
  updated_at    TEXT NOT NULL
);

CREATE INDEX booking_attendees_by_email ON booking_attendees (email, booking_id);
