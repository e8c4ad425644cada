import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AuthEnvSchema, buildAuthConfig, type AuthConfig } from './auth/auth-config.ts';

/** Typed, validated configuration. Only this module reads `process.env`. */
export interface Config {
  /** HTTP port of the web app. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** SQLite database file. */
  databasePath: string;
  /** Secret that signs session cookies. */
  sessionSecret: string;
  /** Exchange server origin; null means the built-in emulator is started in-process (embedded mode). */
  exchangeUrl: string | null;
  /** True when EXCHANGE_URL is unset: the app runs on its own with the emulator and demo data. */
  embedded: boolean;
  /** Seed the demo rooms and users at start-up. */
  demoData: boolean;
  /** Express `trust proxy` setting: when set, `X-Forwarded-*` decide whether the request was HTTPS. */
  trustProxy: boolean | number | string;
  /** Session lifetime in minutes of inactivity. */
  sessionIdleMinutes: number;
  /** pino level. */
  logLevel: string;
  /** Production-like run (NODE_ENV=production). */
  production: boolean;
  /** A first administrator to create when the database has none (a fresh deployment without demo data). */
  bootstrapAdmin: { username: string; email: string; password: string } | null;
  /** How the app signs in to Exchange and sends meeting changes. */
  exchange: {
    auth: 'basic' | 'ntlm' | 'forms';
    username: string;
    password: string;
    meetingRoute: 'owa' | 'webdav';
    timeoutMs: number;
  };
  /** Seconds between reconciler runs that read the rooms' calendars from Exchange (0 = only on demand). */
  reconcileIntervalSeconds: number;
  /** Days ahead the reconciler reads. */
  reconcileDays: number;
  /** Embedded mode: port of the built-in emulator (0 = any free port) and whether its /_emulator/ control API is on. */
  emulator: { port: number; controlApi: boolean };
  /** Run the outbox worker and the reconciler in this process. */
  backgroundJobs: boolean;
  /** Sign-in methods (AUTH_MODE) and the Windows sign-on settings they need. */
  auth: AuthConfig;
  /** Minutes between purges of expired sessions. */
  sessionPurgeMinutes: number;
  /** Days audit events and finished outbox jobs are kept before the daily purge deletes them. */
  retentionDays: number;
  /** /readyz: seconds between real Exchange probes (PROPFIND of the service account's mailbox root). */
  readinessProbeSeconds: number;
  /** /readyz: a due outbox job left unclaimed this long means the outbox is stuck. */
  outboxStuckMinutes: number;
  /** /metrics access: a bearer token and/or client networks; with neither, /metrics answers 404. */
  metrics: { token: string | null; allow: string[] };
  /** The organisation's language when neither the person nor the browser chooses one (DEFAULT_LOCALE, issue 17). */
  defaultLocale: 'en' | 'hu';
  /** The app's address as people open it (PUBLIC_URL, no trailing slash), for links written into meetings; null = none. */
  publicUrl: string | null;
}

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_PATH: z.string().min(1).default('./data/app.db'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SESSION_SECRET_FILE: z.string().min(1).optional(),
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(60 * 24 * 30)
      .default(8 * 60),
    EXCHANGE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://mail.example.com' }).optional(),
    DEMO_DATA: bool.optional(),
    TRUST_PROXY: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    NODE_ENV: z.string().optional(),
    EXCHANGE_AUTH: z.enum(['basic', 'ntlm', 'forms']).optional(),
    EXCHANGE_USERNAME: z.string().trim().min(1).optional(),
    EXCHANGE_PASSWORD: z.string().optional(),
    EXCHANGE_PASSWORD_FILE: z.string().min(1).optional(),
    EXCHANGE_MEETING_ROUTE: z.enum(['owa', 'webdav']).default('owa'),
    EXCHANGE_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(20_000),
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    RECONCILE_DAYS: z.coerce.number().int().min(1).max(366).default(14),
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    EMULATOR_CONTROL_API: bool.optional(),
    BACKGROUND_JOBS: bool.default(true),
    BOOTSTRAP_ADMIN_USERNAME: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/i, 'must be a user name such as admin')
      .optional(),
    BOOTSTRAP_ADMIN_EMAIL: z.email('must be an e-mail address').optional(),
    BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    BOOTSTRAP_ADMIN_PASSWORD_FILE: z.string().min(1).optional(),
    SESSION_PURGE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
    READINESS_PROBE_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
    OUTBOX_STUCK_MINUTES: z.coerce
      .number()
      .min(1)
      .max(24 * 60)
      .default(15),
    DEFAULT_LOCALE: z.enum(['en', 'hu']).default('en'),
    PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://rooms.example.com' }).optional(),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_TOKEN_FILE: z.string().min(1).optional(),
    METRICS_ALLOW: z.string().optional(),
  })
  .extend(AuthEnvSchema.shape);

/** An IPv4/IPv6 address or CIDR network (METRICS_ALLOW). */
function isNetwork(value: string): boolean {
  const [addr, bits, extra] = value.split('/');
  if (extra !== undefined || !addr) return false;
  const family = isIP(addr);
  if (!family) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // a subnet list such as "loopback, 10.0.0.0/8"
}

/** A secret read from `NAME` or from the file named by `NAME_FILE` (Docker secrets). */
function readSecret(value: string | undefined, file: string | undefined): string | undefined {
  if (value) return value;
  if (file) return readFileSync(file, 'utf8').trim();
  return undefined;
}

// CASE: in embedded (demo) mode nobody has set a secret yet; keep one in the data folder so sessions survive restarts.
function demoSessionSecret(databasePath: string): string {
  const file = join(dirname(databasePath), 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** DATABASE_PATH alone, for tools (backup, restore) that must not need the rest of the configuration. */
export function databasePathFrom(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.DATABASE_PATH?.trim();
  return resolve(value ? value : './data/app.db');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // CASE: `NAME=` in an env file or compose file means "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const embedded = e.EXCHANGE_URL === undefined;
  const databasePath = resolve(e.DATABASE_PATH);
  let sessionSecret: string | undefined;
  try {
    sessionSecret = readSecret(e.SESSION_SECRET, e.SESSION_SECRET_FILE);
  } catch (err) {
    throw new ConfigError([`SESSION_SECRET_FILE: cannot read ${e.SESSION_SECRET_FILE}: ${(err as Error).message}`]);
  }
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    throw new ConfigError(['SESSION_SECRET: must be at least 32 characters']);
  }
  if (!sessionSecret) {
    if (!embedded) {
      throw new ConfigError(['SESSION_SECRET: required when EXCHANGE_URL is set (generate one with `openssl rand -hex 32`)']);
    }
    sessionSecret = demoSessionSecret(databasePath);
  }
  let bootstrapAdmin: Config['bootstrapAdmin'] = null;
  if (e.BOOTSTRAP_ADMIN_USERNAME) {
    const password = readSecret(e.BOOTSTRAP_ADMIN_PASSWORD, e.BOOTSTRAP_ADMIN_PASSWORD_FILE);
    if (!password || password.length < 12 || !e.BOOTSTRAP_ADMIN_EMAIL) {
      throw new ConfigError(['BOOTSTRAP_ADMIN_USERNAME: also set BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD (at least 12 characters)']);
    }
    bootstrapAdmin = { username: e.BOOTSTRAP_ADMIN_USERNAME.toLowerCase(), email: e.BOOTSTRAP_ADMIN_EMAIL, password };
  }
  const exchangePassword = readSecret(e.EXCHANGE_PASSWORD, e.EXCHANGE_PASSWORD_FILE);
  if (!embedded && (!e.EXCHANGE_USERNAME || exchangePassword === undefined)) {
    throw new ConfigError(['EXCHANGE_USERNAME, EXCHANGE_PASSWORD: the service account is required when EXCHANGE_URL is set']);
  }
  // CASE: embedded mode signs in to the built-in emulator as its demo service account, through OWA forms login.
  const exchange: Config['exchange'] = {
    auth: e.EXCHANGE_AUTH ?? (embedded ? 'forms' : 'ntlm'),
    username: e.EXCHANGE_USERNAME ?? 'booking-svc',
    password: exchangePassword ?? 'demo',
    meetingRoute: e.EXCHANGE_MEETING_ROUTE,
    timeoutMs: e.EXCHANGE_TIMEOUT_MS,
  };
  let metricsToken: string | undefined;
  try {
    metricsToken = readSecret(e.METRICS_TOKEN, e.METRICS_TOKEN_FILE);
  } catch (err) {
    throw new ConfigError([`METRICS_TOKEN_FILE: cannot read ${e.METRICS_TOKEN_FILE}: ${(err as Error).message}`]);
  }
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError(['METRICS_TOKEN: must be at least 16 characters']);
  const metricsAllow = (e.METRICS_ALLOW ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const badNet = metricsAllow.find((n) => !isNetwork(n));
  if (badNet) throw new ConfigError([`METRICS_ALLOW: "${badNet}" is not an IP address or CIDR network such as 10.0.0.0/8`]);
  const authProblems: string[] = [];
  const auth = buildAuthConfig(e, authProblems);
  if (authProblems.length) throw new ConfigError(authProblems);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databasePath,
    sessionSecret,
    exchangeUrl: e.EXCHANGE_URL ?? null,
    embedded,
    demoData: e.DEMO_DATA ?? embedded,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    bootstrapAdmin,
    auth,
    exchange,
    reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS,
    reconcileDays: e.RECONCILE_DAYS,
    emulator: { port: e.EMULATOR_PORT, controlApi: e.EMULATOR_CONTROL_API ?? e.NODE_ENV !== 'production' },
    backgroundJobs: e.BACKGROUND_JOBS,
    sessionPurgeMinutes: e.SESSION_PURGE_MINUTES,
    retentionDays: e.RETENTION_DAYS,
    readinessProbeSeconds: e.READINESS_PROBE_SECONDS,
    outboxStuckMinutes: e.OUTBOX_STUCK_MINUTES,
    metrics: { token: metricsToken ?? null, allow: metricsAllow },
    defaultLocale: e.DEFAULT_LOCALE,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
  });
}
