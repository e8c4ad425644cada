-- Counter-proposals (issue 16): the latest new time an attendee proposed for a booking (Outlook's "Propose New
-- Time", a Resp.Tent/Resp.Neg with the counter properties, or METHOD:COUNTER), as the reconciler read it from the
-- organizer's Inbox. One row per attendee and booking; a newer answer without a proposal deletes it.
-- received_at: when Exchange received the proposal (an answer older than the booking's last move is stale).
-- dismissed_at: the organizer dismissed it on Home; a newer proposal replaces the row and shows again.
CREATE TABLE booking_proposals (
  booking_id   INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  email        TEXT NOT NULL COLLATE NOCASE,
  starts_at    TEXT NOT NULL,
  ends_at      TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  dismissed_at TEXT,
  PRIMARY KEY (booking_id, email)
) STRICT;
