// Typed gateway errors and the ONE place an HTTP status becomes an error (STYLE §2.7; DavMail
// HttpClientAdapter.buildHttpResponseException). Callers decide retry policy from the class alone.

/** Where a failed exchange happened; every gateway error carries it. */
export interface RequestFacts {
  method: string;
  /** Server-relative path (no query string, never credentials). */
  path: string;
  /** HTTP status, or 0 when no answer arrived (timeout, reset). */
  status: number;
  durationMs: number;
  requestId: string;
}

export class ExchangeError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestId: string;
  /** A stable machine-readable code, e.g. `exchange.transient`. */
  readonly code: string = 'exchange.error';

  constructor(message: string, facts: RequestFacts, options?: { cause?: unknown }) {
    super(`${message} (${facts.method} ${facts.path} → ${facts.status || 'no answer'}, ${facts.durationMs} ms, request ${facts.requestId})`, options);
    this.name = new.target.name;
    this.method = facts.method;
    this.path = facts.path;
    this.status = facts.status;
    this.durationMs = facts.durationMs;
    this.requestId = facts.requestId;
  }
}

/** Worth retrying later: timeouts, resets, 5xx, 423 locked, 503 with Retry-After. */
export class TransientError extends ExchangeError {
  override readonly code = 'exchange.transient';
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds: number | null;
  constructor(message: string, facts: RequestFacts, retryAfterSeconds: number | null = null, options?: { cause?: unknown }) {
    super(message, facts, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No answer at all (status 0): the connection failed (reset, refused, dropped), or no answer came in time. */
export class NoAnswerError extends TransientError {
  /** The request ran out of time, rather than its connection failing at once. */
  readonly timedOut: boolean;
  constructor(message: string, facts: RequestFacts, timedOut: boolean, options?: { cause?: unknown }) {
    super(message, facts, null, options);
    this.timedOut = timedOut;
  }
}

/** The credentials were refused, or a forms session could not be re-established (401, 440 after one re-login). */
export class AuthFailedError extends ExchangeError {
  override readonly code = 'exchange.auth_failed';
}

/** Authenticated but not allowed: no delegate access, FBA over http, sending as someone else (403). */
export class ForbiddenError extends ExchangeError {
  override readonly code = 'exchange.forbidden';
}

/** The mailbox, folder or item does not exist (404). */
export class NotFoundError extends ExchangeError {
  override readonly code = 'exchange.not_found';
}

/** The target exists already or a precondition failed (409, 412): e.g. a name collision we refused to overwrite. */
export class ConflictError extends ExchangeError {
  override readonly code = 'exchange.conflict';
}

/** Exchange answered, but not with what the operation needs: an OWA error page, malformed XML, a missing property. */
export class RejectedError extends ExchangeError {
  override readonly code = 'exchange.rejected';
  /** Short stable reason, e.g. `owa-error-page`, `malformed-xml`, `missing-property:calendar`. */
  readonly reason: string;
  constructor(reason: string, facts: RequestFacts, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${reason}: ${detail}` : reason, facts, options);
    this.reason = reason;
  }
}

/** Parse a Retry-After header (seconds or an HTTP date) into seconds, relative to `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * HTTP status → typed error. The only such mapping in the gateway; used for whole responses and for
 * per-property statuses inside a 207 alike. Returns null for statuses that are not errors.
 */
export function errorForStatus(status: number, facts: RequestFacts, retryAfterSeconds: number | null = null): ExchangeError | null {
  const f = { ...facts, status };
  if (status >= 200 && status < 300) return null;
  if (status === 401) return new AuthFailedError('credentials refused', f);
  // EXCHANGE: 440 Login Timeout = forms session missing or expired (§3); transport logs in again once first.
  if (status === 440) return new AuthFailedError('forms session expired (440 Login Timeout)', f);
  if (status === 403) return new ForbiddenError('forbidden', f);
  if (status === 404) return new NotFoundError('not found', f);
  if (status === 409) return new ConflictError('conflict', f);
  if (status === 412) return new ConflictError('precondition failed: the target exists or changed', f);
  if (status === 423) return new TransientError('locked', f, retryAfterSeconds);
  if (status === 408 || status === 429) return new TransientError(`HTTP ${status}`, f, retryAfterSeconds);
  if (status === 507) return new RejectedError('insufficient-storage', f, 'mailbox over quota');
  if (status >= 500) return new TransientError(`server error ${status}`, f, retryAfterSeconds);
  if (status >= 300 && status < 400) return new RejectedError('unexpected-redirect', f);
  return new RejectedError(`http-${status}`, f);
}

/** True for errors a caller may retry later (TransientError; an expired session also heals by logging in). */
export function isRetryable(error: unknown): boolean {
  return error instanceof TransientError;
}

/**
 * The meeting handed to the gateway cannot be sent as it is (e.g. a subject with a line break, end before start).
 * Raised before any request; permanent. `fields` maps a Meeting field to a sentence.
 */
export class InvalidMeetingError extends Error {
  readonly code = 'exchange.invalid_meeting';
  constructor(readonly fields: Record<string, string>) {
    super(
      `invalid meeting: ${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`,
    );
    this.name = 'InvalidMeetingError';
  }
}
