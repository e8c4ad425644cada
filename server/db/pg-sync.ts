// A synchronous, better-sqlite3-shaped connection to PostgreSQL, so the repositories' functions — synchronous over
// better-sqlite3, and called inside synchronous BEGIN IMMEDIATE transactions by the services — run UNCHANGED against a
// real PostgreSQL in their unit tests (docs/scaling.md, "Why a synchronous facade"). Each call blocks the calling
// thread until a worker thread (pg-sync-worker.mjs, through synckit) has the answer. This is a test vehicle and a
// proof that the SQL is portable, not the production path: an app instance on PostgreSQL would use the async `pg`
// pool (server/db/postgres.ts) with async repositories.
//
// What it does, mechanically and nothing more: `?` and `@name` placeholders become `$1, $2…`; `.run()` answers
// `{ changes }`; `.raw()` answers rows as arrays; `transaction(fn)` is BEGIN/COMMIT (SAVEPOINT when nested). It never
// rewrites SQL otherwise: whatever differs between the engines lives in each feature's sql-dialect.ts.
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import type { Db } from './connection.ts';
import { DIALECT } from './dialect.ts';

type Op = 'open' | 'query' | 'exec' | 'close';
interface QueryAnswer {
  rows: unknown[];
  rowCount: number;
}
type Call = (op: Op, id: number, sql: unknown, values?: unknown[], asArrays?: boolean) => QueryAnswer | null;

const WORKER = fileURLToPath(new URL('./pg-sync-worker.mjs', import.meta.url));
let call: Call | undefined;
let nextId = 1;

export interface PostgresAddress {
  host: string;
  port: number;
  user: string;
  database: string;
}

/** A placeholder of the statement text: positional (`?`, the n-th argument) or named (`@name`, a key of the object). */
type Slot = { kind: 'index'; index: number } | { kind: 'name'; name: string };

/**
 * `?` and `@name` to `$n` outside quoted strings, identifiers and comments. A name used twice gets one `$n`
 * (better-sqlite3 binds a name once). Exported for its test.
 */
export function toNumbered(sql: string): { text: string; slots: Slot[] } {
  const slots: Slot[] = [];
  const names = new Map<string, number>();
  let text = '';
  let positional = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '?') {
      slots.push({ kind: 'index', index: positional++ });
      text += `$${slots.length}`;
    } else if (ch === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let n = names.get(name);
      if (n === undefined) {
        slots.push({ kind: 'name', name });
        names.set(name, (n = slots.length));
      }
      text += `$${n}`;
      i += name.length;
    } else {
      text += ch;
    }
  }
  return { text, slots };
}

const isNamedSource = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date);

/** Binds arguments as better-sqlite3 does: plain objects feed named slots, everything else the `?` in order. */
function bind(slots: Slot[], args: unknown[]): unknown[] {
  const named = args.find(isNamedSource);
  const positional = args.filter((a) => !isNamedSource(a)).flat();
  return slots.map((s) => {
    if (s.kind === 'index') {
      if (s.index >= positional.length) throw new RangeError('Too few parameter values were provided');
      return positional[s.index];
    }
    if (!named || !(s.name in named)) throw new RangeError(`Missing named parameter "${s.name}"`);
    return named[s.name];
  });
}

class Statement {
  private asArrays = false;
  private readonly text: string;
  private readonly slots: Slot[];
  constructor(
    private readonly connection: PostgresSync,
    sql: string,
  ) {
    ({ text: this.text, slots: this.slots } = toNumbered(sql));
  }
  raw(on = true): this {
    this.asArrays = on;
    return this;
  }
  all(...args: unknown[]): unknown[] {
    return this.connection.query(this.text, bind(this.slots, args), this.asArrays).rows;
  }
  get(...args: unknown[]): unknown {
    return this.all(...args)[0];
  }
  run(...args: unknown[]): { changes: number; lastInsertRowid: number } {
    const changes = this.connection.query(this.text, bind(this.slots, args), false).rowCount;
    // lastInsertRowid has no PostgreSQL meaning: reading it fails the test loudly instead of handing out NaN ids.
    return Object.defineProperty({ changes } as { changes: number; lastInsertRowid: number }, 'lastInsertRowid', {
      get() {
        throw new Error('lastInsertRowid is SQLite only: read the new id with INSERT … RETURNING id');
      },
    });
  }
}

type TxFn = ((...args: unknown[]) => unknown) & { deferred: TxFn; immediate: TxFn; exclusive: TxFn };

class PostgresSync {
  readonly [DIALECT] = 'postgres' as const;
  readonly name: string;
  open = true;
  inTransaction = false;
  private depth = 0;
  private readonly id = nextId++;

  constructor(address: PostgresAddress) {
    call ??= createSyncFn(WORKER, { timeout: 60_000 }) as unknown as Call;
    this.name = `postgres://${address.user}@${address.host}:${address.port}/${address.database}`;
    call('open', this.id, address);
  }

  query(text: string, values: unknown[], asArrays: boolean): QueryAnswer {
    return call!('query', this.id, text, values, asArrays)!;
  }

  prepare(sql: string): Statement {
    return new Statement(this, sql);
  }

  exec(sql: string): this {
    call!('exec', this.id, sql);
    return this;
  }

  /** better-sqlite3's transaction(fn): BEGIN … COMMIT, ROLLBACK on a throw; a nested call is a savepoint. */
  transaction(fn: (...args: unknown[]) => unknown): TxFn {
    const run = (...args: unknown[]) => {
      const nested = this.depth > 0;
      const savepoint = `sp${this.depth}`;
      this.exec(nested ? `SAVEPOINT ${savepoint}` : 'BEGIN');
      this.depth++;
      this.inTransaction = true;
      try {
        const result = fn(...args);
        this.exec(nested ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
        return result;
      } catch (e) {
        this.exec(nested ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK');
        throw e;
      } finally {
        this.depth--;
        this.inTransaction = this.depth > 0;
      }
    };
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run }) as TxFn;
  }

  pragma(): never {
    throw new Error('PRAGMA is SQLite only: a repository must not use it');
  }

  close(): this {
    if (this.open) call!('close', this.id, null);
    this.open = false;
    return this;
  }
}

/**
 * Opens one PostgreSQL connection as a better-sqlite3 `Db`. Only prepare/get/all/run/raw, exec and transaction exist;
 * anything else a repository might reach for (pragma, function, iterate) is missing on purpose and fails the test.
 */
export function openPostgresSync(address: PostgresAddress): Db {
  return new PostgresSync(address) as unknown as Db;
}
