-- Scheduling (issue 16). Working hours per person, by e-mail address because attendees are typed as addresses and
-- need not be users of this app. A person without a row works 09:00–17:00, Monday–Friday, in the zone of the rooms
-- being searched (the office's own hours). days: ISO weekdays as digits, '12345' = Monday–Friday.
CREATE TABLE work_hours (
  email        TEXT PRIMARY KEY COLLATE NOCASE,
  time_zone    TEXT NOT NULL,
  starts_local TEXT NOT NULL CHECK (starts_local GLOB '[0-2][0-9]:[0-5][0-9]'),
  ends_local   TEXT NOT NULL CHECK (ends_local GLOB '[0-2][0-9]:[0-5][0-9]'),
  days         TEXT NOT NULL DEFAULT '12345' CHECK (days GLOB '[1-7]*' AND days NOT GLOB '*[^1-7]*'),
  CHECK (starts_local < ends_local)
) STRICT;

-- The building home's "Book a room now" searches, remembered from the last time the user chose one.
CREATE TABLE user_prefs (
  user_id  INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  building TEXT
) STRICT;
