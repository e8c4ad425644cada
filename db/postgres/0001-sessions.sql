-- PostgreSQL schema of the tables whose repositories already run on both engines (docs/scaling.md).
-- Same columns and meaning as db/migrations/0001-init.sql.

CREATE TABLE sessions (
  sid        TEXT PRIMARY KEY,
  data       TEXT NOT NULL,
  expires_at BIGINT NOT NULL                           -- epoch ms: compared with Date.now() by the purge
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);
