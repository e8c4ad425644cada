-- SQLite 0020 for PostgreSQL: attendees' counter-proposals (issue 16). Same table, columns and meaning.
CREATE TABLE booking_proposals (
  booking_id   BIGINT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  email        citext NOT NULL,
  starts_at    TEXT NOT NULL,
  ends_at      TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  dismissed_at TEXT,
  PRIMARY KEY (booking_id, email)
);
