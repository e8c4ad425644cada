// The worker thread behind server/db/pg-sync.ts: it owns the PostgreSQL connections and runs each query while the
// calling thread waits (synckit: Atomics.wait on a shared buffer). Plain JavaScript so it loads without tsx.
import pg from 'pg';
import { runAsWorker } from 'synckit';

// Read values the way better-sqlite3 hands them to the repositories, so the same row-mapping code works on both:
// count(*) and BIGINT ids as numbers (they stay far below 2^53), booleans (EXISTS, comparisons) as 1 and 0 because
// SQLite has no boolean type, numeric (avg, sums of integers) as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.BOOL, (v) => (v === 't' ? 1 : 0));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** One connection per facade: a facade's statements and transactions run on its own session, as on SQLite. */
const clients = new Map();

function client(id) {
  const c = clients.get(id);
  if (!c) throw new Error(`no PostgreSQL connection ${id} (closed?)`);
  return c;
}

runAsWorker(async (op, id, sql, values, asArrays) => {
  switch (op) {
    case 'open': {
      const c = new pg.Client(sql);
      await c.connect();
      clients.set(id, c);
      return null;
    }
    case 'query': {
      const r = await client(id).query({ text: sql, values, rowMode: asArrays ? 'array' : undefined });
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    }
    case 'exec':
      // The simple query protocol: several statements in one text, no parameters (schema files, BEGIN, COMMIT).
      await client(id).query(sql);
      return null;
    case 'close':
      await clients.get(id)?.end();
      clients.delete(id);
      return null;
    default:
      throw new Error(`unknown operation ${op}`);
  }
});
