// One reconciler among several instances (docs/scaling.md): before a timed pass, an instance takes the reconciler's
// lead; only the one that holds it reads the room calendars. On SQLite there is one instance and it always leads; on
// PostgreSQL the lead is an advisory lock of the connection's session (sql-dialect.ts).
import type { Db } from '../db/connection.ts';
import { outboxSql } from './sql-dialect.ts';

/** The advisory lock key of the reconciler's lead (any constant other than the migration runner's). */
export const RECONCILER_LOCK = 7_201_002;

// Per connection: whether it holds the lead, so asking again does not stack a second lock (PostgreSQL counts them).
const leading = new WeakMap<Db, boolean>();

/** True when this connection leads (now or already): it should run the reconciler's pass. */
export function takeReconcilerLead(db: Db): boolean {
  if (leading.get(db)) return true;
  const ok = db.prepare<[number], { ok: number }>(outboxSql(db).tryLead).get(RECONCILER_LOCK)?.ok === 1;
  leading.set(db, ok);
  return ok;
}

/** Gives the lead up (an instance shutting down cleanly); another instance takes it at its next try. */
export function resignReconcilerLead(db: Db): void {
  if (!leading.get(db)) return;
  db.prepare<[number]>(outboxSql(db).resign).get(RECONCILER_LOCK);
  leading.set(db, false);
}
