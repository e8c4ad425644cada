import LdapAuth from 'ldapauth-fork';
import type { LdapConfig } from './auth-config.ts';

/** What the directory knows about an account, for the user record created on the first sign-in. */
export interface DirectoryProfile {
  displayName?: string | undefined;
  email?: string | undefined;
}

/** ldapauth-fork's connection options for the configured directory; shared by the form sign-in and the lookup. */
export function ldapAuthOptions(config: LdapConfig): LdapAuth.Options {
  return {
    url: config.url,
    bindDN: config.bindDn,
    bindCredentials: config.bindPassword,
    searchBase: config.searchBase,
    searchFilter: config.searchFilter, // ldapauth-fork escapes the user name before it goes in
    searchAttributes: ['sAMAccountName', 'displayName', 'mail'],
    // The directory's certificate is always verified, against the configured CA only.
    tlsOptions: {
      ca: [config.ca],
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
    },
    connectTimeout: config.timeoutMs,
    timeout: config.timeoutMs,
    reconnect: false,
  };
}

// CASE: ldapauth-fork has no public "search without the user's password"; its own _findUser (service-account
// search with the configured, escaped filter) is exactly that lookup. Pinned through passport-ldapauth 3.0.1.
type Searchable = { _findUser(username: string, cb: (err: unknown, entry?: { displayName?: string; mail?: string }) => void): void };

/**
 * Looks an account up with the service account (NTLM names the account but carries no name or address).
 * Resolves null when the directory does not know the account or does not answer within LDAP_TIMEOUT_MS.
 */
export function lookUpProfile(config: LdapConfig, username: string): Promise<DirectoryProfile | null> {
  return new Promise((resolve) => {
    const client = new LdapAuth(ldapAuthOptions(config));
    let done = false;
    const finish = (profile: DirectoryProfile | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.close(() => undefined);
      resolve(profile);
    };
    const timer = setTimeout(() => finish(null), config.timeoutMs);
    client.on('error', () => finish(null)); // an unhandled 'error' event would end the process
    (client as unknown as Searchable)._findUser(username, (err, entry) => {
      finish(err || !entry ? null : { displayName: entry.displayName, email: entry.mail });
    });
  });
}
