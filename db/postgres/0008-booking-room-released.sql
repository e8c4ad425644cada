-- SQLite 0018 for PostgreSQL: the LOCATION of a date whose room was released while the meeting goes on (issue 15).
ALTER TABLE bookings ADD COLUMN room_released_location TEXT CHECK (room_released_location IS NULL OR length(room_released_location) <= 300);
