import type { Socket } from 'node:net';
import type { Request } from 'express';
import passport from 'passport';
import type { Logger } from '../log.ts';
import type { User } from '../users/service.ts';
import type { NtlmConfig } from './auth-config.ts';
import { HelperUnavailableError, NtlmHelper } from './ntlm-helper.ts';
import { parseAccountName, parseNtlmHeader } from './ntlm-message.ts';

/** Why the handshake did not sign anybody in; the route turns it into the page and status. */
export interface NtlmFailure {
  /** `WWW-Authenticate` value to send with a 401 (the challenge, or a bare `NTLM` to start over). */
  challenge?: string;
  reason: 'challenge' | 'refused' | 'malformed' | 'no-handshake' | 'app-disabled' | 'foreign-domain';
}

/** winbind or the domain controller did not answer in time, or the host is at its handshake limit. */
export class SignOnUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`Windows sign-on unavailable: ${reason}`);
    this.name = 'SignOnUnavailableError';
  }
}

export type VerifyDomainUser = (account: { domain: string; user: string }) => Promise<User | null>;

// An abandoned handshake (type 1 and no type 3) gives its helper process back after this long.
const ABANDONED_HANDSHAKE_MS = 30_000;

interface Handshake {
  helper: NtlmHelper;
  abandoned: NodeJS.Timeout;
}

/**
 * NTLM single sign-on as a passport strategy. The browser's handshake is validated by Samba's `ntlm_auth`
 * (one process per client TCP connection, because NTLM authenticates a connection); the app never sees a password.
 */
export class NtlmStrategy extends passport.Strategy {
  override name = 'ntlm';
  // NTLM state belongs to the TCP connection: keyed by socket, it can never leak to another connection.
  private readonly handshakes = new WeakMap<Socket, Handshake>();
  private readonly watched = new WeakSet<Socket>();
  // CASE: passport runs each request on Object.create(strategy), so a plain number field would be counted per
  // request; shared state must live in objects the prototype holds.
  private readonly counts = { inProgress: 0 };

  constructor(
    private readonly config: NtlmConfig,
    private readonly domain: string,
    private readonly verify: VerifyDomainUser,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Handshakes whose helper process is running (for tests and metrics). */
  get activeHandshakes(): number {
    return this.counts.inProgress;
  }

  override authenticate(req: Request): void {
    this.handle(req).catch((err: unknown) => this.error(err as Error));
  }

  private refuse(reason: NtlmFailure['reason'], status: number, challenge?: string): void {
    this.fail({ reason, ...(challenge ? { challenge } : {}) } satisfies NtlmFailure, status);
  }

  private async handle(req: Request): Promise<void> {
    const socket = req.socket;
    const header = parseNtlmHeader(req.headers.authorization);
    switch (header.kind) {
      case 'none':
      case 'foreign':
        return this.refuse('challenge', 401, 'NTLM');
      case 'malformed':
        this.drop(socket);
        return this.refuse('malformed', 400);
      case 'negotiate': {
        const helper = this.begin(socket);
        const answer = await helper.ask('YR', header.token).catch((err: unknown) => {
          this.drop(socket); // a helper that failed once is not asked again
          throw err;
        });
        if (answer.code !== 'TT') {
          this.drop(socket);
          throw new SignOnUnavailableError('no challenge from winbind');
        }
        return this.refuse('challenge', 401, `NTLM ${answer.token}`);
      }
      case 'authenticate': {
        const handshake = this.handshakes.get(socket);
        // CASE: a type 3 without a type 1 on this connection has no challenge to answer: start over.
        if (!handshake) return this.refuse('no-handshake', 401, 'NTLM');
        if (header.anonymous) {
          this.drop(socket);
          this.log.info({ event: 'auth.ntlm_refused', reason: 'ANONYMOUS' }, 'NTLM sign-in refused');
          return this.refuse('refused', 401, 'NTLM');
        }
        let answer;
        try {
          answer = await handshake.helper.ask('KK', header.token);
        } finally {
          this.drop(socket);
        }
        if (answer.code === 'NA') {
          this.log.info({ event: 'auth.ntlm_refused', reason: answer.reason }, 'NTLM sign-in refused');
          return this.refuse('refused', 401, 'NTLM');
        }
        const account = answer.code === 'AF' ? parseAccountName(answer.account) : null;
        if (!account) throw new SignOnUnavailableError('winbind named no account');
        if (account.domain !== this.domain) {
          this.log.warn({ event: 'auth.ntlm_refused', reason: 'FOREIGN_DOMAIN', domain: account.domain }, 'NTLM account from another domain');
          return this.refuse('foreign-domain', 403);
        }
        const user = await this.verify(account);
        if (!user) return this.refuse('app-disabled', 403);
        return this.success(user);
      }
    }
  }

  /** Starts a new handshake on this connection, replacing one in progress. */
  private begin(socket: Socket): NtlmHelper {
    this.drop(socket);
    if (this.counts.inProgress >= this.config.maxHandshakes) throw new SignOnUnavailableError('too many handshakes in progress');
    const helper = new NtlmHelper(this.config);
    const abandoned = setTimeout(() => this.drop(socket), ABANDONED_HANDSHAKE_MS);
    abandoned.unref();
    this.handshakes.set(socket, { helper, abandoned });
    this.counts.inProgress++;
    if (!this.watched.has(socket)) {
      this.watched.add(socket);
      socket.once('close', () => this.drop(socket));
    }
    return helper;
  }

  private drop(socket: Socket): void {
    const handshake = this.handshakes.get(socket);
    if (!handshake) return;
    this.handshakes.delete(socket);
    this.counts.inProgress--;
    clearTimeout(handshake.abandoned);
    handshake.helper.close();
  }
}

export const isSignOnUnavailable = (err: unknown): boolean => err instanceof SignOnUnavailableError || err instanceof HelperUnavailableError;
