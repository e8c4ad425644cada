// The organisation an emulator instance serves: mailboxes (users, rooms, service accounts), their passwords,
// locales and time zones, who may act for whom, and room policies. Loaded from JSON and validated with zod.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const aliasPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const MailboxConfigSchema = z.object({
  /** Exchange alias: the `<mailbox>` in `/exchange/<mailbox>/`. */
  alias: z.string().regex(aliasPattern, 'alias must be letters, digits, dot, dash or underscore'),
  /** Primary SMTP address. */
  smtp: z.string().email(),
  displayName: z.string().min(1),
  /** user: a person; room: a resource mailbox; service: an account that acts for others. */
  kind: z.enum(['user', 'room', 'service']).default('user'),
  /** Users and service accounts sign in with it; rooms normally have none. */
  password: z.string().optional(),
  /** Folder names are localized by this (en, de, hu). */
  locale: z.enum(['en', 'de', 'hu']).default('en'),
  /** IANA zone of the mailbox's OWA settings; exposed as a Windows zone name. */
  timeZone: z.string().default('Europe/London'),
  /** Rooms: accept meeting requests when free, decline conflicts. */
  autoAccept: z.boolean().default(false),
  /**
   * Rooms, recurring requests: a series with more clashing occurrences than this is declined as a whole;
   * with this many or fewer, the series is accepted and only the clashing occurrences are declined.
   * null (the default): no limit, only clashing occurrences are ever declined. 0: any clash declines the series.
   */
  maxConflicts: z.number().int().min(0).nullable().default(null),
});

export const DelegationSchema = z.object({
  /** The account (alias) that acts. */
  account: z.string(),
  /** Aliases it may open, or "*" for every mailbox. */
  mailboxes: z.array(z.string()).min(1),
});

export const OrgConfigSchema = z
  .object({
    /** Organisation name, used in legacy DNs and the public free/busy folder. */
    name: z.string().default('Example'),
    /** SMTP domain. */
    domain: z.string().default('example.com'),
    /** NetBIOS domain for `DOMAIN\user` sign-in and the NTLM challenge. */
    netbiosDomain: z.string().default('EXAMPLE'),
    /** Host name the server reports as its own (NTLM target info). */
    serverName: z.string().default('MAIL01'),
    mailboxes: z.array(MailboxConfigSchema).min(1),
    delegates: z.array(DelegationSchema).default([]),
  })
  .superRefine((org, ctx) => {
    const seen = new Set<string>();
    for (const [i, m] of org.mailboxes.entries()) {
      const key = m.alias.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['mailboxes', i, 'alias'], message: `duplicate alias ${m.alias}` });
      seen.add(key);
    }
    for (const [i, d] of org.delegates.entries()) {
      if (!seen.has(d.account.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['delegates', i, 'account'], message: `unknown account ${d.account}` });
      }
    }
  });

export type OrgConfig = z.input<typeof OrgConfigSchema>;
export type Org = z.output<typeof OrgConfigSchema>;
export type MailboxConfig = z.output<typeof MailboxConfigSchema>;

/** Validates an organisation; throws an Error listing every problem. */
export function parseOrg(input: unknown): Org {
  const result = OrgConfigSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid organisation config:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

export function loadOrgFile(path: string): Org {
  return parseOrg(JSON.parse(readFileSync(path, 'utf8')));
}

export function defaultOrg(): Org {
  return loadOrgFile(fileURLToPath(new URL('./default-org.json', import.meta.url)));
}

interface MailboxIndex {
  /** The array and length it was built from: a replaced or grown list is re-indexed on the next lookup. */
  list: readonly MailboxConfig[];
  size: number;
  byName: Map<string, MailboxConfig>;
}

// Per organisation object, so a reset with a new organisation (PUT /_emulator/org) gets a fresh index without
// anyone having to remember to rebuild it; policy changes (PATCH) edit the indexed config objects in place.
const indexes = new WeakMap<Org, MailboxIndex>();

function indexOf(org: Org): MailboxIndex {
  const cached = indexes.get(org);
  if (cached && cached.list === org.mailboxes && cached.size === org.mailboxes.length) return cached;
  const byName = new Map<string, MailboxConfig>();
  // First mailbox whose alias or SMTP address matches wins, as the linear search this replaces did.
  for (const m of org.mailboxes) {
    for (const key of [m.alias.toLowerCase(), m.smtp.toLowerCase()]) if (!byName.has(key)) byName.set(key, m);
  }
  const index = { list: org.mailboxes, size: org.mailboxes.length, byName };
  indexes.set(org, index);
  return index;
}

/** The mailbox with this alias or SMTP address (case-insensitive); a map lookup, not a scan (free/busy asks per room). */
export function findMailbox(org: Org, name: string): MailboxConfig | undefined {
  const found = indexOf(org).byName.get(name.toLowerCase());
  // A config renamed in place since indexing (nothing does so today) would be stale: re-index once, then trust it.
  if (found && found.alias.toLowerCase() !== name.toLowerCase() && found.smtp.toLowerCase() !== name.toLowerCase()) {
    indexes.delete(org);
    return indexOf(org).byName.get(name.toLowerCase());
  }
  return found;
}

/** Whether `account` may open `mailbox` (its own, or by delegation). */
export function canAccess(org: Org, account: string, mailbox: string): boolean {
  const a = account.toLowerCase();
  const m = mailbox.toLowerCase();
  if (a === m) return true;
  return org.delegates.some((d) => d.account.toLowerCase() === a && d.mailboxes.some((x) => x === '*' || x.toLowerCase() === m));
}
