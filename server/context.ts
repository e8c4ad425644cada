import { DateTime } from 'luxon';
import type { Config } from './config.ts';
import type { Db } from './db/connection.ts';
import type { ExchangeGateway } from './exchange/gateway.ts';
import type { Logger } from './log.ts';

/** Time source; tests pass a fixed clock. */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = { now: () => DateTime.utc() };

/** Everything a service needs, built once in start.ts (the composition root). */
export interface AppContext {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  gateway: ExchangeGateway;
  /** Tells the outbox worker a job was queued (a no-op when no worker runs, e.g. in some tests). */
  wakeOutbox(): void;
}

/** UTC ISO text as stored in every *_at column. */
export function toDbTime(t: DateTime): string {
  const iso = t.toUTC().toISO();
  if (!iso) throw new Error(`invalid time: ${t.invalidExplanation ?? 'unknown'}`);
  return iso;
}
