// Basic auth over the shared keep-alive pool (§3). A 401 is the transport's AuthFailedError; nothing to retry.
import type { Pool } from 'undici';
import { sendOnce, type WireContext, type WireRequest } from '../wire.ts';
import type { AuthScheme, Credentials } from './scheme.ts';

export function basicAuth(pool: Pool, credentials: Credentials, ctx: WireContext): AuthScheme {
  const authorization = 'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
  return {
    send: (req: WireRequest) => sendOnce(pool, req, ctx, { authorization }),
    close: () => pool.close(),
  };
}
