-- Check-in (issue 15): a date whose room was released while the meeting goes on (the room is cancelled, the attendees
-- keep the meeting without it). The LOCATION the meeting now shows ("No room (Wye released)", in the organizer's
-- language); NULL for every other booking. A series keeps such a date in the organizer's own item as an exception
-- without the room, instead of dropping it with the cancelled dates.
ALTER TABLE bookings ADD COLUMN room_released_location TEXT CHECK (room_released_location IS NULL OR length(room_released_location) <= 300);
