-- Replacement rooms (issue 12): when a room declines a meeting (Outlook booked it first) or Exchange does not know the
-- room's mailbox, the organizer is offered other free rooms, or the app moves the meeting itself where the building's
-- admin asked for that (like Google Calendar's auto-replacement).

-- Per building (rooms.building, compared without case): move declined meetings to a free room automatically.
CREATE TABLE building_settings (
  building     TEXT PRIMARY KEY COLLATE NOCASE,
  auto_replace INTEGER NOT NULL DEFAULT 0 CHECK (auto_replace IN (0, 1)),
  updated_at   TEXT NOT NULL
) STRICT;

-- Each time a booking's refusing room was replaced (or the app tried to and found no free room: to_room_id NULL), so the
-- booking page can say what happened and the app never tries twice for the same refusal.
CREATE TABLE room_replacements (
  id           INTEGER PRIMARY KEY,
  booking_id   INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  from_room_id INTEGER NOT NULL REFERENCES rooms (id),
  to_room_id   INTEGER REFERENCES rooms (id),
  reason       TEXT NOT NULL CHECK (reason IN ('declined', 'mailbox-unknown')),
  automatic    INTEGER NOT NULL CHECK (automatic IN (0, 1)),
  at           TEXT NOT NULL
) STRICT;
CREATE INDEX room_replacements_booking ON room_replacements (booking_id, id);
