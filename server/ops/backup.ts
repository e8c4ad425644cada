import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadMigrations } from '../db/migrate.ts';

// Online backup and checked restore of the SQLite database (README, "Operations").

export interface BackupCheck {
  integrity: string;
  schemaVersion: number;
  bookings: number;
  outboxJobs: number;
}

export class BackupError extends Error {}

/** The schema version this code's migrations lead to. */
export function latestSchemaVersion(): number {
  return loadMigrations().length;
}

function sidecars(path: string): string[] {
  return [`${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/** Opens `file` read-only and checks it is a sound Roombook database this version can run. */
export function checkBackup(file: string): BackupCheck {
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`${file}: no such file`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${file}: not an SQLite database (${(err as Error).message})`);
  }
  try {
    let integrity: string;
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    } catch (err) {
      throw new BackupError(`${file}: not an SQLite database (${(err as Error).message})`);
    }
    if (integrity !== 'ok') throw new BackupError(`${file}: integrity check failed: ${integrity}`);
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const latest = latestSchemaVersion();
    if (schemaVersion < 1) throw new BackupError(`${file}: schema version 0: not a Roombook database`);
    if (schemaVersion > latest) {
      throw new BackupError(`${file}: schema version ${schemaVersion} is newer than this Roombook knows (${latest}); restore it with the version that made it`);
    }
    const tables = new Set(
      db
        .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`)
        .all()
        .map((r) => r.name),
    );
    for (const t of ['users', 'rooms', 'bookings', 'outbox_jobs', 'sessions'])
      if (!tables.has(t)) throw new BackupError(`${file}: table ${t} is missing: not a Roombook database`);
    const count = (t: string) => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${t}`).get()!.n;
    return { integrity, schemaVersion, bookings: count('bookings'), outboxJobs: count('outbox_jobs') };
  } finally {
    db.close();
  }
}

/**
 * Copies the live database at `dbPath` to `file` with SQLite's online backup API while the app keeps running.
 * All pages are copied in one step, which reads one consistent snapshot (WAL lets the app keep writing meanwhile;
 * copying in small steps would restart whenever the app commits). The copy is written beside `file`, switched to a
 * single-file journal, checked, and only then renamed to `file`, so a half-written backup never carries its name.
 */
export async function backupDatabase(dbPath: string, file: string): Promise<BackupCheck> {
  const source = resolve(dbPath);
  const target = resolve(file);
  if (!existsSync(source)) throw new BackupError(`${source}: no database here (DATABASE_PATH)`);
  if (target === source) throw new BackupError('the backup file cannot be the database itself');
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.partial`;
  for (const p of [tmp, ...sidecars(tmp)]) rmSync(p, { force: true });
  // A backup file is one self-contained file (no -wal beside it), so it can be copied and checked on its own.
  await copyDatabase(source, tmp, { readonly: false, journalMode: 'DELETE' });
  let check: BackupCheck;
  try {
    check = checkBackup(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, target);
  return check;
}

/**
 * Copies `source` into `target` with SQLite's online backup API (in one step, so the copy is one consistent
 * snapshot even while the app writes), then sets the copy's journal mode.
 */
async function copyDatabase(source: string, target: string, options: { readonly: boolean; journalMode: 'DELETE' | 'WAL' }): Promise<void> {
  const from = new Database(source, { readonly: options.readonly, fileMustExist: true });
  try {
    // A writer holding the lock briefly (a booking's transaction) is waited for, not an error.
    from.pragma('busy_timeout = 5000');
    await from.backup(target, { progress: () => 0x7fffffff });
  } finally {
    from.close();
  }
  const copy = new Database(target);
  try {
    copy.pragma(`journal_mode = ${options.journalMode}`);
  } finally {
    copy.close();
  }
}

/**
 * Puts a checked backup in place as the database at `dbPath`. The app must be stopped: a running app keeps the old
 * file open. An existing database is kept beside it as `<name>.before-restore-<time>` and replaced only with
 * `force`. Stale -wal/-shm files are removed first: SQLite would otherwise replay the old database's log into the
 * restored one.
 */
export async function restoreDatabase(
  file: string,
  dbPath: string,
  options: { force?: boolean; now?: Date } = {},
): Promise<BackupCheck & { keptOld: string | null }> {
  const source = resolve(file);
  const target = resolve(dbPath);
  if (source === target) throw new BackupError('the backup file is the database itself');
  const check = checkBackup(source);
  let keptOld: string | null = null;
  if (existsSync(target)) {
    if (!options.force) throw new BackupError(`${target} exists: stop the app, then run restore again with --force (the current database is kept beside it)`);
    keptOld = `${target}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.restoring`;
  for (const p of [tmp, ...sidecars(tmp)]) rmSync(p, { force: true });
  await copyDatabase(source, tmp, { readonly: true, journalMode: 'WAL' });
  if (keptOld) {
    renameSync(target, keptOld);
    for (const p of sidecars(target)) if (existsSync(p)) renameSync(p, `${keptOld}${p.slice(target.length)}`);
  }
  for (const p of sidecars(target)) rmSync(p, { force: true });
  renameSync(tmp, target);
  for (const p of sidecars(tmp)) rmSync(p, { force: true });
  return { ...check, keptOld };
}
