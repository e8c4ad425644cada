-- A room's photo (issue 16): shown on the room's own page, set by an admin on the room form. The bytes live in the
-- database (one small image per room, at most 2 MB, checked by its magic bytes before it gets here), so backups and
-- the PostgreSQL twin carry them with the room; deleting the room deletes its photo.
CREATE TABLE room_photos (
  room_id      INTEGER PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes        BLOB NOT NULL,
  alt_text     TEXT NOT NULL CHECK (length(alt_text) BETWEEN 1 AND 200),
  width        INTEGER NOT NULL CHECK (width > 0),
  height       INTEGER NOT NULL CHECK (height > 0),
  updated_at   TEXT NOT NULL
) STRICT;
