import 'express-session';

export interface FlashMessage {
  type: 'success' | 'info' | 'error';
  message: string;
}

declare module 'express-session' {
  interface SessionData {
    /** Epoch ms of the last roll of the idle timeout (see rollSession): changes at most once a minute. */
    lastSeenAt?: number;
    flash?: FlashMessage[];
    returnTo?: string;
  }
}
