// The gateway's configuration, validated once (STYLE §2.6). The app builds it from EXCHANGE_* variables.
import { z } from 'zod';
import { canonicalLanguage } from './owa/language.ts';

export const DEFAULT_USER_AGENT = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; roombook)';

export const gatewayConfigSchema = z.object({
  /** EXCHANGE_URL: base URL of the Exchange (or emulator) server, e.g. `https://mail.example.com`. */
  url: z
    .string()
    .url()
    .refine((u) => /^https?:/i.test(u), 'must be an http(s) URL'),
  /** EXCHANGE_AUTH */
  auth: z.enum(['basic', 'ntlm', 'forms']),
  /** EXCHANGE_USERNAME: the service account (`user`, `DOMAIN\user` or `user@domain`). */
  username: z.string().min(1),
  /** EXCHANGE_PASSWORD */
  password: z.string(),
  /** EXCHANGE_MEETING_ROUTE: how updates and cancellations are sent. */
  meetingRoute: z.enum(['owa', 'webdav']).default('owa'),
  /** Use the WebDAV route when an OWA command answers with an error page. */
  autoFallback: z.boolean().default(true),
  /** Cap on open connections to the server (and NTLM connection slots). */
  maxConnections: z.number().int().min(1).max(256).default(8),
  /**
   * Cap on the connections of free/busy requests alone (their own pool, so a large search never queues the meeting
   * steps and vice versa). A 5,000-room search is 14-25 batches, and the issue asks for them all in flight at once:
   * with 8 connections they went in 2-4 waves of a whole round trip each (issue 13). IIS 6 serves far more concurrent
   * connections than this (its MaxConnections is unlimited by default); how many Cmd=freebusy requests one Exchange 2003
   * answers in parallel is not documented anywhere we have (§14 says only that any number of u= may go in one), so
   * the cap stays bounded and configurable. Below `maxConnections` it is raised to it; with NTLM each new connection
   * costs one handshake round trip once.
   */
  freeBusyMaxConnections: z.number().int().min(1).max(256).default(32),
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** Longest wait for response headers; a slower Exchange is a TransientError. */
  headersTimeoutMs: z.number().int().positive().default(20_000),
  bodyTimeoutMs: z.number().int().positive().default(20_000),
  keepAliveTimeoutMs: z.number().int().positive().default(30_000),
  /**
   * Mailboxes per Cmd=freebusy request; the URL length below is what usually bounds a batch (about 340 room addresses).
   * OWA takes any number of u= (§14): with 200 a 5,000-room search was 25 requests, four waves over 8 connections.
   */
  freeBusyBatchSize: z.number().int().min(1).max(1000).default(1000),
  freeBusyMaxUrlLength: z.number().int().min(1000).default(12_000),
  /** PEM CA certificate(s) to trust for an https Exchange with an internal CA (certificates are always checked). */
  tlsCa: z.string().optional(),
  /**
   * DEFAULT_LOCALE: the language (BCP-47) OWA commands ask for in `Accept-Language` when the caller names none
   * (`Meeting.language`, `freeBusy(…, { language })`).
   */
  defaultLanguage: z
    .string()
    .refine((t) => canonicalLanguage(t) !== null, 'must be a BCP-47 language tag such as en or hu')
    .default('en'),
  /** OWA answers XML only to an MSIE User-Agent (§14). */
  userAgent: z.string().min(1).default(DEFAULT_USER_AGENT),
});

export type ExchangeGatewayConfig = z.input<typeof gatewayConfigSchema>;
export type ResolvedGatewayConfig = z.output<typeof gatewayConfigSchema>;

/** Validate; the error lists every bad field but never echoes the password. */
export function resolveGatewayConfig(config: ExchangeGatewayConfig): ResolvedGatewayConfig {
  const result = gatewayConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`invalid Exchange gateway config: ${problems}`);
}
