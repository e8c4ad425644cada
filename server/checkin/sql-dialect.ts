// Check-in's engine-specific SQL (repo.ts): only the id lists differ; every other statement, the upserts with their
// `ON CONFLICT … DO UPDATE … WHERE` guards included, is one text for both engines.
import type { Db } from '../db/connection.ts';
import { forDialect, LISTS } from '../db/dialect.ts';

export const checkinSql = (db: Db): { ids(p: string): string } => forDialect(db, LISTS);
