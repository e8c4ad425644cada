// One HTTP exchange over an undici dispatcher: timing, the one debug log line, counters, and network
// failures turned into TransientError. Auth schemes (auth/) decide which dispatcher and which headers.
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { NoAnswerError, type RequestFacts } from './errors.ts';
import type { ExchangeRequestObserver } from './gateway.ts';

export interface WireRequest {
  method: string;
  /** Server-relative path, %-encoded, with the query string if any. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** For the log line: whose mailbox this touches. */
  mailbox?: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  facts: RequestFacts;
}

export interface WireCounters {
  requests: number;
  connections: number;
}

export interface WireContext {
  log: Logger;
  counters: WireCounters;
  /** Told about every request after its log line; must not throw. */
  observe?: ExchangeRequestObserver;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  userAgent: string;
}

/** First value of a response header (undici lower-cases names). */
export function header(res: Pick<WireResponse, 'headers'>, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a header that may repeat (Set-Cookie, WWW-Authenticate). */
export function headerValues(res: Pick<WireResponse, 'headers'>, name: string): string[] {
  const value = res.headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q >= 0 ? path.slice(0, q) : path;
}

// `Cmd=` (or `cmd=`) as a whole parameter name. A free/busy query is up to 12,000 characters of u=: parsing all of it
// into URLSearchParams for this one name was a few ms of a 5,000-room search (issue 13).
const COMMAND = /(?:^|&)Cmd=([^&]*)/;
const COMMAND_LOWER = /(?:^|&)cmd=([^&]*)/;

export function commandOf(path: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  const query = path.slice(q + 1);
  const m = COMMAND.exec(query) ?? COMMAND_LOWER.exec(query);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!.replace(/\+/g, ' '));
  } catch {
    // As URLSearchParams, which keeps a malformed escape as it is.
    return m[1]!.replace(/\+/g, ' ');
  }
}

const NETWORK_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no answer within the headers timeout',
  UND_ERR_BODY_TIMEOUT: 'body stalled beyond the body timeout',
  UND_ERR_SOCKET: 'connection dropped',
  UND_ERR_CLOSED: 'connection closed',
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  EPIPE: 'connection broken',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host not found',
};

/** The codes above that mean no answer came in time (not a connection that failed at once). */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Tells the observer, if any; an observer's mistake must never turn an answer into a failed request. */
function observe(ctx: WireContext, method: string, cmd: string | undefined, status: number, started: number): void {
  if (!ctx.observe) return;
  try {
    ctx.observe({ operation: cmd ? `${method} ${cmd.toLowerCase()}` : method, status, durationMs: performance.now() - started });
  } catch (err) {
    ctx.log.warn({ event: 'exchange.observer_failed', err }, 'request observer failed');
  }
}

/** Send one request and read the whole answer. Never throws for an HTTP status; only for no answer. */
export async function sendOnce(dispatcher: Dispatcher, req: WireRequest, ctx: WireContext, extraHeaders: Record<string, string> = {}): Promise<WireResponse> {
  const requestId = randomUUID().slice(0, 8);
  const started = performance.now();
  const headers: Record<string, string> = { 'user-agent': ctx.userAgent, ...req.headers, ...extraHeaders };
  ctx.counters.requests++;
  const path = pathOnly(req.path);
  const cmd = commandOf(req.path);
  try {
    const res = await dispatcher.request({
      path: req.path,
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: req.body,
      // undici closes the socket after a body sent with a method it does not expect one for (SEARCH);
      // Exchange keeps the connection, and NTLM needs it kept, so say so.
      reset: false,
      headersTimeout: ctx.headersTimeoutMs,
      bodyTimeout: ctx.bodyTimeoutMs,
    });
    const body = await res.body.text();
    const durationMs = Math.round(performance.now() - started);
    ctx.log.debug(
      {
        event: 'exchange.request',
        method: req.method,
        path,
        cmd,
        status: res.statusCode,
        ms: durationMs,
        // Only counted when the line is written (a 5,000-room free/busy answer is 1 MB of text).
        bytes: ctx.log.isLevelEnabled('debug') ? Buffer.byteLength(body) : undefined,
        mailbox: req.mailbox,
        requestId,
      },
      'exchange request',
    );
    observe(ctx, req.method, cmd, res.statusCode, started);
    return {
      status: res.statusCode,
      headers: res.headers as WireResponse['headers'],
      body,
      facts: { method: req.method, path, status: res.statusCode, durationMs, requestId },
    };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    const code = (error as { code?: string }).code ?? '';
    ctx.log.debug(
      { event: 'exchange.request', method: req.method, path, cmd, status: 0, ms: durationMs, bytes: 0, mailbox: req.mailbox, requestId, error: code },
      'exchange request failed',
    );
    observe(ctx, req.method, cmd, 0, started);
    const facts = { method: req.method, path, status: 0, durationMs, requestId };
    throw new NoAnswerError(NETWORK_CODES[code] ?? `network error ${code || (error as Error).message}`, facts, TIMEOUT_CODES.has(code), { cause: error });
  }
}
