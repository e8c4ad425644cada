// The HTTP client for one Exchange origin: keep-alive undici pool (or NTLM connection slots), timeouts,
// a connection cap, pluggable auth, and the status check every caller uses (STYLE §2.3).
import { Pool, type Client } from 'undici';
import type { Logger } from 'pino';
import { errorForStatus, parseRetryAfter, RejectedError } from './errors.ts';
import { basicAuth } from './auth/basic.ts';
import { formsAuth } from './auth/forms.ts';
import { ntlmAuth } from './auth/ntlm.ts';
import type { AuthScheme, Credentials } from './auth/scheme.ts';
import type { ExchangeRequestObserver } from './gateway.ts';
import { header, type WireContext, type WireCounters, type WireRequest, type WireResponse } from './wire.ts';

export type AuthKind = 'basic' | 'ntlm' | 'forms';

export interface TransportConfig {
  /** Base URL of the server, e.g. `https://mail.example.com` (any path is ignored). */
  url: string;
  auth: AuthKind;
  credentials: Credentials;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  userAgent: string;
  /** Extra CA certificates (PEM) for https. */
  tlsCa?: string;
  /** Told about every request (the app's metrics). */
  observe?: ExchangeRequestObserver;
}

export interface Transport {
  readonly origin: string;
  /** Send and return whatever status came back (network failures throw TransientError). */
  send(req: WireRequest): Promise<WireResponse>;
  /** Send and require one of `ok`; any other status becomes the typed error for it. */
  expect(req: WireRequest, ok: readonly number[]): Promise<WireResponse>;
  readonly counters: WireCounters;
  close(): Promise<void>;
}

/** Throw the typed error for a response whose status is not one of `ok`. */
export function checkStatus(res: WireResponse, ok: readonly number[]): WireResponse {
  if (ok.includes(res.status)) return res;
  const error = errorForStatus(res.status, res.facts, parseRetryAfter(header(res, 'retry-after'), Date.now()));
  throw error ?? new RejectedError('unexpected-status', res.facts, `expected ${ok.join('/')}`);
}

export function createTransport(config: TransportConfig, log: Logger): Transport {
  const origin = new URL(config.url).origin;
  const counters: WireCounters = { requests: 0, connections: 0 };
  const ctx: WireContext = {
    log,
    counters,
    headersTimeoutMs: config.headersTimeoutMs,
    bodyTimeoutMs: config.bodyTimeoutMs,
    userAgent: config.userAgent,
    ...(config.observe ? { observe: config.observe } : {}),
  };
  const clientOptions: Client.Options = {
    connect: { timeout: config.connectTimeoutMs, ...(config.tlsCa ? { ca: config.tlsCa } : {}) },
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(config.keepAliveTimeoutMs, 600_000),
  };

  function pool(): Pool {
    const p = new Pool(origin, { ...clientOptions, connections: config.maxConnections });
    p.on('connect', () => {
      counters.connections++;
    });
    return p;
  }

  let scheme: AuthScheme;
  switch (config.auth) {
    case 'basic':
      scheme = basicAuth(pool(), config.credentials, ctx);
      break;
    case 'forms':
      scheme = formsAuth(pool(), config.credentials, ctx, origin);
      break;
    case 'ntlm':
      scheme = ntlmAuth(origin, config.credentials, ctx, { maxConnections: config.maxConnections, clientOptions });
      break;
  }

  return {
    origin,
    counters,
    send: (req) => scheme.send(req),
    expect: async (req, ok) => checkStatus(await scheme.send(req), ok),
    close: () => scheme.close(),
  };
}
