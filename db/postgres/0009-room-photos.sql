-- SQLite 0019 for PostgreSQL: a room's photo (issue 16), its bytes in the database.
CREATE TABLE room_photos (
  room_id      BIGINT PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes        BYTEA NOT NULL,
  alt_text     TEXT NOT NULL CHECK (length(alt_text) BETWEEN 1 AND 200),
  width        INTEGER NOT NULL CHECK (width > 0),
  height       INTEGER NOT NULL CHECK (height > 0),
  updated_at   TEXT NOT NULL
);
