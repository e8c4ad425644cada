-- Bookings, their attendees, the outbox that pushes them to Exchange, and meetings seen only in Exchange.

CREATE TABLE bookings (
  id                INTEGER PRIMARY KEY,
  uid               TEXT NOT NULL UNIQUE,            -- stable; the iCalendar UID and the Exchange item name derive from it
  idempotency_key   TEXT NOT NULL UNIQUE,            -- one per form submission: a double-click books once
  room_id           INTEGER NOT NULL REFERENCES rooms (id),
  organizer_id      INTEGER NOT NULL REFERENCES users (id),
  created_by_id     INTEGER NOT NULL REFERENCES users (id),  -- differs from the organizer when reception books on behalf
  subject           TEXT NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  starts_at         TEXT NOT NULL,
  ends_at           TEXT NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('pending', 'booked', 'updating', 'cancelling', 'cancelled', 'declined', 'failed')),
  ical_sequence     INTEGER NOT NULL DEFAULT 0,      -- raised with every update or cancellation sent
  exchange_mailbox  TEXT,                            -- organizer's mailbox alias, once the item exists
  exchange_path     TEXT,                            -- organizer's calendar item (server-relative path)
  submitted_at      TEXT,                            -- Exchange accepted the latest version for delivery
  room_response     TEXT NOT NULL DEFAULT 'none' CHECK (room_response IN ('none', 'accepted', 'tentative', 'declined')),
  room_response_at  TEXT,
  reconciled_at     TEXT,                            -- last time the reconciler saw it in the room's calendar
  cancel_message    TEXT,
  failed_reason     TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  CHECK (ends_at > starts_at)
) STRICT;

-- The overlap check runs on active bookings of one room only.
CREATE INDEX bookings_by_room_time ON bookings (room_id, starts_at, ends_at)
  WHERE state IN ('pending', 'booked', 'updating');
CREATE INDEX bookings_by_organizer ON bookings (organizer_id, starts_at);
CREATE INDEX bookings_by_time ON bookings (starts_at);

CREATE TABLE booking_attendees (
  booking_id   INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  email        TEXT NOT NULL COLLATE NOCASE,
  name         TEXT,
  role         TEXT NOT NULL CHECK (role IN ('required', 'optional')),
  response     TEXT NOT NULL DEFAULT 'none' CHECK (response IN ('none', 'accepted', 'tentative', 'declined')),
  responded_at TEXT,
  PRIMARY KEY (booking_id, email)
) STRICT;

CREATE TABLE outbox_jobs (
  id              INTEGER PRIMARY KEY,
  booking_id      INTEGER NOT NULL REFERENCES bookings (id),
  kind            TEXT NOT NULL CHECK (kind IN ('create', 'update', 'cancel')),
  -- The last gateway step that finished; a resumed job continues after it (see server/sync/CONTEXT.md).
  step            TEXT NOT NULL DEFAULT 'queued'
                  CHECK (step IN ('queued', 'item-written', 'submitting', 'submitted', 'done')),
  status          TEXT NOT NULL DEFAULT 'waiting'
                  CHECK (status IN ('waiting', 'running', 'done', 'failed', 'skipped')),
  meeting_json    TEXT NOT NULL,                     -- the exact version to send (subject, times, attendees, sequence)
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  locked_until    TEXT,                              -- lease of the worker that runs it; expired = crashed
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX outbox_jobs_due ON outbox_jobs (status, next_attempt_at) WHERE status IN ('waiting', 'running');
CREATE INDEX outbox_jobs_by_booking ON outbox_jobs (booking_id, id);

-- Meetings found in a room's Exchange calendar that the app did not book (booked in Outlook).
CREATE TABLE external_bookings (
  id          INTEGER PRIMARY KEY,
  room_id     INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  uid         TEXT NOT NULL,
  subject     TEXT NOT NULL,
  organizer   TEXT NOT NULL,
  starts_at   TEXT NOT NULL,
  ends_at     TEXT NOT NULL,
  seen_at     TEXT NOT NULL,
  UNIQUE (room_id, uid, starts_at)
) STRICT;

CREATE INDEX external_bookings_by_room_time ON external_bookings (room_id, starts_at, ends_at);
