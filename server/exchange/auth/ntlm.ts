// NTLM over HTTP (§3): NTLM authenticates a TCP connection, not a request. So instead of one undici Pool we
// keep up to `maxConnections` connection slots, each an undici Client (one socket at a time, no pipelining).
// A slot is handshaken once (type 1 → 401 challenge → type 3) and then reused without any Authorization
// header until its socket closes; a fresh socket, or a 401 on a reused one, means one new handshake.
import { Client } from 'undici';
import { AuthFailedError } from '../errors.ts';
import { headerValues, sendOnce, type WireContext, type WireRequest, type WireResponse } from '../wire.ts';
import { authenticateMessage, negotiateMessage, parseChallengeMessage, splitUserName, type NtlmIdentity } from './ntlm-messages.ts';
import type { AuthScheme, Credentials } from './scheme.ts';

interface Slot {
  client: Client;
  busy: boolean;
  authenticated: boolean;
  /** Sockets opened so far; a change during a handshake means the server closed the connection. */
  connects: number;
}

export interface NtlmOptions {
  maxConnections: number;
  clientOptions: Client.Options;
  workstation?: string;
}

export function ntlmAuth(origin: string, credentials: Credentials, ctx: WireContext, options: NtlmOptions): AuthScheme {
  const { user, domain } = splitUserName(credentials.username);
  const identity: NtlmIdentity = { user, domain, password: credentials.password, workstation: options.workstation ?? '' };
  const slots: Slot[] = [];
  const waiting: ((slot: Slot) => void)[] = [];
  let closed = false;

  function newSlot(): Slot {
    const client = new Client(origin, { ...options.clientOptions, pipelining: 1 });
    const slot: Slot = { client, busy: false, authenticated: false, connects: 0 };
    client.on('connect', () => {
      slot.connects++;
      ctx.counters.connections++;
    });
    client.on('disconnect', () => {
      slot.authenticated = false;
    });
    slots.push(slot);
    return slot;
  }

  function acquire(): Promise<Slot> {
    const free = slots.find((s) => !s.busy && s.authenticated) ?? slots.find((s) => !s.busy);
    const slot = free ?? (slots.length < options.maxConnections ? newSlot() : undefined);
    if (slot) {
      slot.busy = true;
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => waiting.push(resolve));
  }

  function release(slot: Slot): void {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  async function handshake(slot: Slot, req: WireRequest): Promise<WireResponse> {
    const challengeRes = await sendOnce(slot.client, req, ctx, { authorization: 'NTLM ' + negotiateMessage().toString('base64') });
    if (challengeRes.status !== 401) return challengeRes; // the server did not ask: nothing to authenticate
    const token = headerValues(challengeRes, 'www-authenticate')
      .flatMap((v) => v.split(/,\s*(?=[A-Za-z]+(?:\s|$))/))
      .map((v) => /^NTLM\s+([A-Za-z0-9+/=]+)\s*$/i.exec(v.trim())?.[1])
      .find((v): v is string => !!v);
    if (!token) throw new AuthFailedError('server did not answer with an NTLM challenge', challengeRes.facts);
    let challenge;
    try {
      challenge = parseChallengeMessage(Buffer.from(token, 'base64'));
    } catch (error) {
      throw new AuthFailedError('unreadable NTLM challenge', challengeRes.facts, { cause: error });
    }
    const connectsAfterChallenge = slot.connects;
    const authorization = 'NTLM ' + authenticateMessage(identity, challenge).toString('base64');
    const res = await sendOnce(slot.client, req, ctx, { authorization });
    // EXCHANGE: the type 3 must travel on the socket that got the challenge, or the server has nothing to check.
    if (slot.connects !== connectsAfterChallenge) {
      throw new AuthFailedError('connection closed during the NTLM handshake', res.facts);
    }
    slot.authenticated = res.status !== 401;
    return res;
  }

  return {
    async send(req) {
      if (closed) throw new Error('transport closed');
      const slot = await acquire();
      try {
        if (!slot.authenticated) return await handshake(slot, req);
        const res = await sendOnce(slot.client, req, ctx);
        // A socket that was replaced under us is anonymous again: 401, or 440 when forms auth is also on.
        if (res.status !== 401 && res.status !== 440) return res;
        // CASE: the server dropped this connection's authentication (e.g. it timed out the context): one new handshake.
        slot.authenticated = false;
        return await handshake(slot, req);
      } finally {
        release(slot);
      }
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.client.close()));
    },
  };
}
