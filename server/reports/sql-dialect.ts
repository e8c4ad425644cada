// The report's engine-specific SQL (repo.ts): only the room id lists differ.
import type { Db } from '../db/connection.ts';
import { forDialect, LISTS } from '../db/dialect.ts';

export const reportsSql = (db: Db): { ids(p: string): string } => forDialect(db, LISTS);
