import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/** Opens the app database with the pragmas every connection needs. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets page reads run while the outbox worker writes.
  db.pragma('journal_mode = WAL');
  // Foreign keys are off by default in SQLite; the schema relies on them.
  db.pragma('foreign_keys = ON');
  // Wait for a competing writer instead of failing at once with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000');
  // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
  db.pragma('synchronous = NORMAL');
  return db;
}

/** True when the database answers a trivial query (for /healthz). */
export function isDatabaseHealthy(db: Db): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
