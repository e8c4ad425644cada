// What every authentication scheme offers the transport.
import type { WireRequest, WireResponse } from '../wire.ts';

export interface AuthScheme {
  /** Send with credentials attached; re-authenticates once where the scheme allows. Returns any HTTP status. */
  send(req: WireRequest): Promise<WireResponse>;
  close(): Promise<void>;
}

export interface Credentials {
  /** `user`, `DOMAIN\user` or `user@domain`. */
  username: string;
  password: string;
}
