import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

export const AUTH_MODES = ['local', 'ntlm', 'ldap'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** NTLM single sign-on through Samba's `ntlm_auth` helper. */
export interface NtlmConfig {
  /** The `ntlm_auth` binary (Debian package `winbind`). */
  helperPath: string;
  /** smb.conf the helper reads (`--configfile`); null = Samba's default. */
  helperConfigFile: string | null;
  /** How long one answer of the helper may take before sign-on is reported unavailable (503). */
  timeoutMs: number;
  /** Handshakes in progress at once (one helper process each); more get 503 instead of exhausting the host. */
  maxHandshakes: number;
}

/** Form sign-in against the directory over LDAPS (passport-ldapauth). */
export interface LdapConfig {
  url: string;
  /** Read-only service account that searches for the user before the user's own bind. */
  bindDn: string;
  bindPassword: string;
  searchBase: string;
  /** `{{username}}` is replaced (escaped) with the name typed in the form. */
  searchFilter: string;
  /** PEM of the CA that signed the directory's certificate; the certificate is always verified against it. */
  ca: string;
  /** Name expected on the certificate when the URL names the server by IP address. */
  tlsServerName: string | null;
  timeoutMs: number;
}

export interface AuthConfig {
  /** Sign-in methods in the order the sign-in page offers them (AUTH_MODE). */
  modes: AuthMode[];
  /** NetBIOS name of the Windows domain (AUTH_DOMAIN), upper case; null without ntlm/ldap. */
  domain: string | null;
  /** E-mail of a domain user the directory has no address for (or with ntlm and no directory), e.g. `{user}@example.com`. */
  emailPattern: string | null;
  ntlm: NtlmConfig | null;
  /** The directory: form sign-in with `ldap`, and the name/address lookup of first NTLM sign-ins. */
  ldap: LdapConfig | null;
}

// Accounts that are enabled: bit 2 (ACCOUNTDISABLE) of userAccountControl is not set.
export const DEFAULT_LDAP_FILTER = '(&(objectCategory=person)(objectClass=user)(sAMAccountName={{username}})(!(userAccountControl:1.2.840.113556.1.4.803:=2)))';

const timeout = () =>
  z.coerce
    .number()
    .int()
    .min(100, 'must be at least 100 ms')
    // The promise: an unreachable or slow domain controller is reported within 5 seconds.
    .max(5000, 'must be at most 5000 ms so sign-on failures are reported within 5 seconds')
    .default(4000);

/** The variables Windows sign-on reads; merged into the app's env schema by server/config.ts. */
export const AuthEnvSchema = z.object({
  AUTH_MODE: z.string().default('local'),
  AUTH_DOMAIN: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,14}$/, 'must be the NetBIOS domain name, such as CORP')
    .optional(),
  AUTH_EMAIL_PATTERN: z
    .string()
    .trim()
    .regex(/^[^@\s]*\{user\}[^@\s]*@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address containing {user}, such as {user}@example.com')
    .optional(),
  NTLM_AUTH_PATH: z.string().default('/usr/bin/ntlm_auth'),
  NTLM_AUTH_CONFIG: z.string().optional(),
  NTLM_TIMEOUT_MS: timeout(),
  NTLM_MAX_HANDSHAKES: z.coerce.number().int().min(1).max(10_000).default(100),
  LDAP_URL: z
    .string()
    .regex(/^ldaps:\/\/[^/\s]+\/?$/i, 'must be an ldaps:// URL such as ldaps://dc1.corp.example:636 (plain LDAP would send passwords in clear)')
    .optional(),
  LDAP_BIND_DN: z.string().trim().min(3).optional(),
  LDAP_BIND_PASSWORD: z.string().optional(),
  LDAP_BIND_PASSWORD_FILE: z.string().optional(),
  LDAP_SEARCH_BASE: z.string().trim().min(3).optional(),
  LDAP_SEARCH_FILTER: z.string().trim().includes('{{username}}', { message: 'must contain {{username}}' }).default(DEFAULT_LDAP_FILTER),
  LDAP_CA_FILE: z.string().optional(),
  LDAP_TLS_SERVERNAME: z.string().trim().optional(),
  LDAP_TIMEOUT_MS: timeout(),
});
export type AuthEnv = z.infer<typeof AuthEnvSchema>;

function readFile(name: string, path: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${name}: cannot read ${path}: ${(err as Error).message}`);
    return undefined;
  }
}

function parseModes(value: string, problems: string[]): AuthMode[] {
  const modes = value
    .split(',')
    .map((m) => m.trim().toLowerCase())
    .filter(Boolean);
  const unknown = modes.filter((m) => !(AUTH_MODES as readonly string[]).includes(m));
  if (unknown.length) problems.push(`AUTH_MODE: unknown method ${unknown.join(', ')}; use a comma list of ${AUTH_MODES.join(', ')}`);
  if (modes.length === 0) problems.push(`AUTH_MODE: name at least one of ${AUTH_MODES.join(', ')}`);
  if (new Set(modes).size !== modes.length) problems.push('AUTH_MODE: names a method twice');
  return [...new Set(modes)].filter((m): m is AuthMode => (AUTH_MODES as readonly string[]).includes(m));
}

function buildLdap(e: AuthEnv, problems: string[], because: string): LdapConfig | null {
  const missing = (['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_SEARCH_BASE', 'LDAP_CA_FILE'] as const).filter((k) => !e[k]);
  if (!e.LDAP_BIND_PASSWORD && !e.LDAP_BIND_PASSWORD_FILE) missing.push('LDAP_BIND_PASSWORD' as never);
  if (missing.length) {
    problems.push(...missing.map((k) => `${k}: required ${because}`));
    return null;
  }
  const bindPassword = e.LDAP_BIND_PASSWORD ?? readFile('LDAP_BIND_PASSWORD_FILE', e.LDAP_BIND_PASSWORD_FILE!, problems)?.trim();
  const ca = readFile('LDAP_CA_FILE', e.LDAP_CA_FILE!, problems);
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) problems.push(`LDAP_CA_FILE: ${e.LDAP_CA_FILE} holds no PEM certificate`);
  if (!bindPassword || ca === undefined) return null;
  return {
    url: e.LDAP_URL!,
    bindDn: e.LDAP_BIND_DN!,
    bindPassword,
    searchBase: e.LDAP_SEARCH_BASE!,
    searchFilter: e.LDAP_SEARCH_FILTER,
    ca,
    tlsServerName: e.LDAP_TLS_SERVERNAME || null,
    timeoutMs: e.LDAP_TIMEOUT_MS,
  };
}

/** Checks that every variable the chosen sign-in methods need is there; pushes one message per problem. */
export function buildAuthConfig(e: AuthEnv, problems: string[]): AuthConfig {
  const modes = parseModes(e.AUTH_MODE, problems);
  const windows = modes.includes('ntlm') || modes.includes('ldap');
  if (windows && !e.AUTH_DOMAIN) problems.push('AUTH_DOMAIN: required when AUTH_MODE includes ntlm or ldap (the NetBIOS domain name, such as CORP)');

  let ntlm: NtlmConfig | null = null;
  if (modes.includes('ntlm')) {
    if (!existsSync(e.NTLM_AUTH_PATH)) {
      problems.push(
        `NTLM_AUTH_PATH: ${e.NTLM_AUTH_PATH} does not exist; install Debian's winbind package and join this host to the domain (README, "Windows sign-on")`,
      );
    }
    if (e.NTLM_AUTH_CONFIG && !existsSync(e.NTLM_AUTH_CONFIG)) problems.push(`NTLM_AUTH_CONFIG: ${e.NTLM_AUTH_CONFIG} does not exist`);
    // NTLM names the account but not its address: without a directory to ask, a pattern must supply it.
    if (!e.AUTH_EMAIL_PATTERN && !e.LDAP_URL) {
      problems.push('AUTH_EMAIL_PATTERN: required when AUTH_MODE includes ntlm without LDAP_URL, e.g. {user}@example.com');
    }
    ntlm = { helperPath: e.NTLM_AUTH_PATH, helperConfigFile: e.NTLM_AUTH_CONFIG ?? null, timeoutMs: e.NTLM_TIMEOUT_MS, maxHandshakes: e.NTLM_MAX_HANDSHAKES };
  }
  // With ntlm, LDAP_URL alone turns on the directory lookup of names and addresses for first sign-ins.
  const ldap = modes.includes('ldap')
    ? buildLdap(e, problems, 'when AUTH_MODE includes ldap')
    : modes.includes('ntlm') && e.LDAP_URL
      ? buildLdap(e, problems, 'when LDAP_URL is set (directory lookup for NTLM sign-ins)')
      : null;
  return { modes, domain: e.AUTH_DOMAIN?.toUpperCase() ?? null, emailPattern: e.AUTH_EMAIL_PATTERN ?? null, ntlm, ldap };
}
