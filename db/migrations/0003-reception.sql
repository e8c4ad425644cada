-- Device tokens: room-door displays, the read API and calendar feeds sign in with one of these instead of a user's
-- session. Only a SHA-256 of the token is stored, so a copied database does not hand out working tokens.

CREATE TABLE device_tokens (
  id            INTEGER PRIMARY KEY,
  label         TEXT NOT NULL,                               -- what an admin calls it ("Trent door", "Thunderbird feed")
  token_hash    TEXT NOT NULL UNIQUE,                        -- hex SHA-256 of the secret
  token_hint    TEXT NOT NULL,                               -- the last 4 characters, to recognise it in the list
  show_subjects INTEGER NOT NULL DEFAULT 0 CHECK (show_subjects IN (0, 1)),  -- privacy: else meetings read "Busy"
  created_by_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at    TEXT NOT NULL,
  revoked_at    TEXT,                                        -- set once; a revoked token never works again
  last_used_at  TEXT
) STRICT;

-- The rooms a token may read; anything else answers 404 as if the room did not exist.
CREATE TABLE device_token_rooms (
  token_id INTEGER NOT NULL REFERENCES device_tokens (id) ON DELETE CASCADE,
  room_id  INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  PRIMARY KEY (token_id, room_id)
) STRICT;
