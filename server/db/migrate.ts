import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './connection.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
const FILE_NAME = /^(\d{4})-[a-z0-9-]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads `db/migrations/NNNN-name.sql` in order; a badly named or duplicate-numbered file is an error. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((name) => {
      const match = FILE_NAME.exec(name);
      if (!match?.[1]) throw new Error(`Migration file name must look like 0001-some-name.sql: ${name}`);
      return { version: Number(match[1]), name, sql: readFileSync(`${dir}/${name}`, 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migrations must be numbered 1, 2, 3…; found ${m.name} at position ${i + 1}`);
  });
  return migrations;
}

/** Applies every migration newer than `PRAGMA user_version`, each in its own transaction. Returns the new version. */
export function migrate(db: Db, migrations = loadMigrations()): number {
  let current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    current = m.version;
  }
  return current;
}
