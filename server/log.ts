import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Areas give every log line a category (STYLE 2.11). */
export type LogArea = 'http' | 'db' | 'auth' | 'exchange' | 'outbox' | 'reconcile' | 'emulator' | 'app';

// Redaction lives at the root so no child logger can forget it.
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.secret', '*.sessionSecret', 'password'];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'roombook' } });
}
