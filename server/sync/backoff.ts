/**
 * Retry budget for transient Exchange failures: exponential from 2 s, capped at 5 minutes, with jitter so that
 * many bookings queued during an outage do not all hit the recovering server in the same second.
 * There is no attempt limit: a booking the user was promised waits until Exchange is back; the sync page shows it.
 */
export const RETRY = { baseMs: 2_000, capMs: 5 * 60_000 } as const;

/** Delay before attempt `attempt + 1` (attempt counts from 1); `random` in [0, 1). */
export function retryDelayMs(attempt: number, random: number = Math.random(), budget: { baseMs: number; capMs: number } = RETRY): number {
  const exponential = Math.min(budget.capMs, budget.baseMs * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": at least half the delay, so retries never bunch up at zero.
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/** A server's Retry-After wins when it asks for longer than our own schedule. */
export function withRetryAfter(delayMs: number, retryAfterSeconds: number | null | undefined): number {
  return retryAfterSeconds ? Math.max(delayMs, retryAfterSeconds * 1000) : delayMs;
}
