// The emulator's shared state and the per-request context every handler receives.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { MailboxConfig, Org } from '../org.ts';
import type { Store } from '../store/store.ts';
import type { SessionStore } from './sessions.ts';
import type { FaultState } from '../faults/faults.ts';
import type { Transport } from '../transport/transport.ts';

export interface AuthSchemes {
  basic: boolean;
  ntlm: boolean;
  forms: boolean;
}

export interface EmulatorState {
  org: Org;
  store: Store;
  log: Logger;
  auth: AuthSchemes;
  sessions: SessionStore;
  faults: FaultState;
  transport: Transport;
  controlApi: boolean;
  maxBodyBytes: number;
  /** Free/busy only shows calendar changes older than this (publication lag, §14). */
  freeBusyDelayMs: number;
  /** Empties every mailbox (and optionally switches to another organisation); clears sessions, faults, queue. */
  reset(org?: Org): void;
}

export interface RequestContext {
  state: EmulatorState;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** `http://host[:port]` as the client addressed us; hrefs are absolute URLs under it. */
  base: string;
  body: Buffer;
  /** The signed-in account, once authentication succeeded. */
  principal: MailboxConfig | undefined;
  log: Logger;
  /** Set by a `downlevel` fault: answer OWA requests as the plain-HTML OWA would. */
  downlevel?: boolean;
}

/** Thrown by handlers; the server turns it into a response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** `Translate: f` asks for the raw store object instead of an OWA rendering (§1). */
export function isTranslateF(ctx: RequestContext): boolean {
  return (header(ctx, 'translate') ?? '').trim().toLowerCase() === 'f';
}

export function isBrief(ctx: RequestContext): boolean {
  return (header(ctx, 'brief') ?? '').trim().toLowerCase().startsWith('t');
}
