-- Recurring meetings (issue 14). A series is one Exchange meeting (one UID, an RRULE); each of its dates is a booking
-- row of its own, so every page that lists bookings (My bookings, schedules, door displays, feeds, the read API)
-- shows occurrences without knowing about series. The row's uid is the series UID plus its date (bookings.uid is
-- unique); recurrence_id is the occurrence's original start (UTC), the RECURRENCE-ID Exchange names it by.
CREATE TABLE booking_series (
  id                INTEGER PRIMARY KEY,
  uid               TEXT NOT NULL UNIQUE,            -- the iCalendar UID Exchange knows the whole series by
  rrule             TEXT NOT NULL,                   -- as sent (after a "this and following" split: the shortened rule)
  first_date        TEXT NOT NULL,                   -- local date of the first occurrence in the room's zone
  start_time        TEXT NOT NULL,                   -- local HH:mm of every occurrence
  end_time          TEXT NOT NULL,
  time_zone         TEXT NOT NULL,
  room_id           INTEGER NOT NULL REFERENCES rooms (id),
  organizer_id      INTEGER NOT NULL REFERENCES users (id),
  words             TEXT NOT NULL,                   -- the series in words, as the form showed it
  subject           TEXT NOT NULL,                   -- the series' own subject and text (one date may differ)
  description       TEXT NOT NULL DEFAULT '',
  private           INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
  ical_sequence     INTEGER NOT NULL DEFAULT 0,      -- the series' SEQUENCE: raised with every change or cancel sent
  split_from_id     INTEGER REFERENCES booking_series (id),  -- "this and following" made this series from that one
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
) STRICT;

ALTER TABLE bookings ADD COLUMN series_id INTEGER REFERENCES booking_series (id);
ALTER TABLE bookings ADD COLUMN recurrence_id TEXT;

CREATE UNIQUE INDEX bookings_by_series ON bookings (series_id, recurrence_id) WHERE series_id IS NOT NULL;
