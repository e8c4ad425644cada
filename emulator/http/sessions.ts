// Forms-based authentication sessions: the `sessionid` and `cadata` cookies owaauth.dll sets (§3).
import { randomBytes, randomUUID } from 'node:crypto';

export interface Session {
  sessionId: string;
  cadata: string;
  alias: string;
  lcid: string;
  timeoutMs: number;
  lastUsed: number;
  expired: boolean;
}

/** Public computer (trusted=0): 15 minutes idle; private computer (trusted=4): 24 hours (§3). */
export const PUBLIC_TIMEOUT_MS = 15 * 60_000;
export const PRIVATE_TIMEOUT_MS = 24 * 60 * 60_000;

export class SessionStore {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(alias: string, trusted: boolean, lcid: string): Session {
    this.prune();
    const session: Session = {
      sessionId: randomUUID(),
      cadata: `2,${randomBytes(48).toString('base64')}`,
      alias,
      lcid,
      timeoutMs: trusted ? PRIVATE_TIMEOUT_MS : PUBLIC_TIMEOUT_MS,
      lastUsed: this.now(),
      expired: false,
    };
    this.byId.set(session.sessionId, session);
    return session;
  }

  /** The live session for these cookies (sliding expiry), or undefined when missing, forged or expired. */
  lookup(sessionId: string | undefined, cadata: string | undefined): Session | undefined {
    if (!sessionId || !cadata) return undefined;
    const s = this.byId.get(sessionId);
    if (!s || s.cadata !== cadata) return undefined;
    if (s.expired || this.now() - s.lastUsed > s.timeoutMs) {
      s.expired = true;
      return undefined;
    }
    s.lastUsed = this.now();
    return s;
  }

  /** Forgets sessions that timed out over an hour ago (a 440 for them is answered from the cookie alone). */
  private prune(): void {
    const cutoff = this.now() - 60 * 60_000;
    for (const [id, s] of this.byId) if (s.lastUsed + s.timeoutMs < cutoff) this.byId.delete(id);
  }

  remove(sessionId: string): void {
    this.byId.delete(sessionId);
  }

  /** Expires every session (or one user's); the next request answers 440 (fault injection, §3). */
  expire(alias?: string): number {
    let n = 0;
    for (const s of this.byId.values()) {
      if (!alias || s.alias.toLowerCase() === alias.toLowerCase()) {
        s.expired = true;
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.byId.clear();
  }
}

/** Parses a Cookie header; cadata values keep their quotes stripped. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    let value = part.slice(i + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name) out.set(name, value);
  }
  return out;
}
