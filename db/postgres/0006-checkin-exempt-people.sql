-- SQLite 0017 for PostgreSQL: people exempt from check-in by name (issue 15). Same table, columns and meaning.
CREATE TABLE checkin_exempt_people (
  user_id  BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);

CREATE TRIGGER schedule_changes_checkin_exempt_people_insert AFTER INSERT ON checkin_exempt_people FOR EACH ROW EXECUTE FUNCTION bump_schedule_version();
CREATE TRIGGER schedule_changes_checkin_exempt_people_delete AFTER DELETE ON checkin_exempt_people FOR EACH ROW EXECUTE FUNCTION bump_schedule_version();
