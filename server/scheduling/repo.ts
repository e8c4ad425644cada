import type { Db } from '../db/connection.ts';
import { schedulingSql } from './sql-dialect.ts';
import type { WorkHours } from './slots.ts';

interface WorkHoursRow {
  email: string;
  time_zone: string;
  starts_local: string;
  ends_local: string;
  days: string;
}

/** Working hours of the addresses that have a row (lower-cased address → hours). */
export function workHoursOf(db: Db, emails: readonly string[]): Map<string, WorkHours> {
  const out = new Map<string, WorkHours>();
  if (!emails.length) return out;
  const rows = db
    .prepare(`SELECT email, time_zone, starts_local, ends_local, days FROM work_hours WHERE email IN ${schedulingSql(db).emails('?')}`)
    .all(JSON.stringify(emails)) as WorkHoursRow[];
  for (const r of rows) out.set(r.email.toLowerCase(), { timeZone: r.time_zone, start: r.starts_local, end: r.ends_local, days: [...r.days].map(Number) });
  return out;
}

export function saveWorkHours(db: Db, email: string, h: WorkHours): void {
  db.prepare(
    `INSERT INTO work_hours (email, time_zone, starts_local, ends_local, days) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (email) DO UPDATE SET time_zone = excluded.time_zone, starts_local = excluded.starts_local, ends_local = excluded.ends_local, days = excluded.days`,
  ).run(email, h.timeZone, h.start, h.end, h.days.join(''));
}

export function usualBuilding(db: Db, userId: number): string | null {
  const row = db.prepare('SELECT building FROM user_prefs WHERE user_id = ?').get(userId) as { building: string | null } | undefined;
  return row?.building ?? null;
}

export function rememberBuilding(db: Db, userId: number, building: string | null): void {
  db.prepare('INSERT INTO user_prefs (user_id, building) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET building = excluded.building').run(userId, building);
}
