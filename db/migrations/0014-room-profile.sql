-- Scheduling (issue 16): what a room's own page shows besides its rules. show_subjects: every employee reads the
-- subjects of its meetings (private ones still read "Busy"); floor_note: how to find the room ("3rd floor, past the
-- lifts, second door on the left"). A room without a row shows no subjects to others and no note.
CREATE TABLE room_profiles (
  room_id       INTEGER PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  show_subjects INTEGER NOT NULL DEFAULT 0 CHECK (show_subjects IN (0, 1)),
  floor_note    TEXT CHECK (floor_note IS NULL OR length(floor_note) <= 500),
  updated_at    TEXT NOT NULL
) STRICT;

-- Home's "my day" lists the meetings a user is invited to (issue 16): attendees are looked up by address.
CREATE INDEX booking_attendees_by_email ON booking_attendees (email, booking_id);
