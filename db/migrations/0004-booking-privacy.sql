-- A private booking keeps its subject to the organizer and attendees: schedules, door displays, feeds and the
-- read API show "Private meeting" instead.
ALTER TABLE bookings ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
