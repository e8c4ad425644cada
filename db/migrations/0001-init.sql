-- Times: every *_at column holds UTC ISO-8601 text with milliseconds and a Z ("2026-11-24T09:00:00.000Z"),
-- so text order is time order. Local times are derived in the room's zone when shown.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT,                                  -- NULL for accounts that sign in through the domain
  role          TEXT NOT NULL DEFAULT 'employee' CHECK (role IN ('employee', 'receptionist', 'admin')),
  source        TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'ntlm', 'ldap')),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    TEXT NOT NULL,
  last_login_at TEXT
) STRICT;

CREATE TABLE equipment (
  code  TEXT PRIMARY KEY CHECK (code GLOB '[a-z]*' AND length(code) <= 40),
  label TEXT NOT NULL
) STRICT;

CREATE TABLE rooms (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL,
  mailbox_alias        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  mailbox_email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  capacity             INTEGER NOT NULL CHECK (capacity > 0),
  building             TEXT NOT NULL,
  floor                TEXT NOT NULL,
  time_zone            TEXT NOT NULL,
  opens_at_local       TEXT NOT NULL CHECK (opens_at_local GLOB '[0-2][0-9]:[0-5][0-9]'),   -- HH:MM in the room's zone
  closes_at_local      TEXT NOT NULL CHECK (closes_at_local GLOB '[0-2][0-9]:[0-5][0-9]'),
  max_duration_minutes INTEGER NOT NULL CHECK (max_duration_minutes > 0),
  horizon_days         INTEGER NOT NULL CHECK (horizon_days > 0),
  active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  CHECK (opens_at_local < closes_at_local)
) STRICT;

CREATE INDEX rooms_by_building ON rooms (building, floor, name);

CREATE TABLE room_equipment (
  room_id        INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  equipment_code TEXT NOT NULL REFERENCES equipment (code) ON UPDATE CASCADE,
  PRIMARY KEY (room_id, equipment_code)
) STRICT;

CREATE TABLE audit_events (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  actor_name  TEXT NOT NULL,                           -- kept even if the user record goes away
  action      TEXT NOT NULL,                           -- area.thing.happened, e.g. room.updated
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  before_json TEXT,
  after_json  TEXT
) STRICT;

CREATE INDEX audit_events_by_time ON audit_events (at DESC);
CREATE INDEX audit_events_by_entity ON audit_events (entity_type, entity_id, at DESC);

CREATE TABLE sessions (
  sid        TEXT PRIMARY KEY,
  data       TEXT NOT NULL,
  expires_at INTEGER NOT NULL                          -- epoch ms: compared with Date.now() by the pruner
) STRICT;

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- The equipment every deployment starts with; admins add more on /admin/equipment.
INSERT INTO equipment (code, label) VALUES
  ('projector', 'Projector'),
  ('video', 'Video conferencing'),
  ('whiteboard', 'Whiteboard'),
  ('phone', 'Conference phone'),
  ('wheelchair', 'Wheelchair access');
