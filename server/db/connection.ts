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
  keepStatements(db);
  return db;
}

/** Distinct statement texts kept per connection; texts built with a varying number of placeholders come and go. */
const KEPT_STATEMENTS = 1000;

/**
 * Makes `db.prepare(sql)` answer the statement already prepared for the same text. Repositories prepare where they
 * run (one place per statement reads best), but compiling a statement costs more than running a small one: in the
 * mixed load, door displays, room lookups and the report builder re-prepared theirs on every call (issue 13: 2.6 %
 * of the app's CPU). A kept statement is handed back in its default mode (objects, not raw, plucked or expanded), so
 * a caller's `.raw()` never leaks into the next caller's rows. Nothing in the app iterates a statement (`iterate()`
 * would keep it busy), which is what makes sharing one statement per text safe.
 */
function keepStatements(db: Db): void {
  const prepare = db.prepare.bind(db) as (sql: string) => Database.Statement;
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = kept.get(sql);
    if (stmt) {
      // Most recently used last, so the least used goes first.
      kept.delete(sql);
      if (stmt.reader) stmt.raw(false).pluck(false).expand(false);
    } else {
      stmt = prepare(sql);
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, stmt);
    return stmt;
  }) as Db['prepare'];
}

/** True when the database answers a trivial query (for /healthz). */
export function isDatabaseHealthy(db: Db): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
