import { Router, type Request, type Response } from 'express';
import type passport from 'passport';
import type { AppContext } from '../context.ts';
import { AppError, FieldErrors } from '../errors.ts';
import { formPage } from '../http/form.ts';
import { takeReturnTo } from '../http/return-to.ts';
import type { AuthConfig } from './auth-config.ts';
import { DIRECTORY_FIELDS, directoryUsername } from './ldap.ts';
import { signInFailed } from './local.ts';
import { isSignOnUnavailable, SignOnUnavailableError, type NtlmFailure } from './ntlm.ts';
import { logIn, runStrategy, safeReturnTo, type SignInThrottle } from './sign-in.ts';
import { t } from '../i18n/context.ts';

declare module '../http/session.ts' {
  interface SessionData {
    /** Single sign-on was tried (or the person signed out): show the sign-in page instead of trying again. */
    skipSso?: boolean;
  }
}

// Read with t() per request, so each person reads them in their language.
const messages = {
  get ssoUnavailable() {
    return t('auth.sso_unavailable');
  },
  get directoryUnavailable() {
    return t('auth.directory_unavailable');
  },
};

const NOTICE_KEYS: Record<NtlmFailure['reason'], string> = {
  challenge: 'auth.sso_prompt',
  'no-handshake': 'auth.sso_prompt',
  refused: 'auth.sso_refused',
  malformed: 'auth.sso_malformed',
  'app-disabled': 'auth.app_disabled',
  'foreign-domain': 'auth.foreign_domain',
};

/** Rejects when `promise` takes longer than `ms`: a directory that accepts the connection and then stalls. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SignOnUnavailableError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The sign-in page's view model: the methods AUTH_MODE enables, in its order, and an optional notice. */
export function loginPage(auth: AuthConfig, notice: string | null = null) {
  return {
    title: t('login.title'),
    methods: auth.modes,
    domain: auth.domain,
    directoryFields: DIRECTORY_FIELDS,
    notice,
  };
}

/** Windows sign-on: NTLM single sign-on (GET /login/windows) and the directory form (POST /login/directory). */
export function windowsRoutes(ctx: AppContext, instance: passport.Authenticator, throttle: SignInThrottle): Router {
  const router = Router();
  const { auth } = ctx.config;
  const log = ctx.log.child({ area: 'auth' });
  const page = (notice: string | null = null) => loginPage(auth, notice);
  const finishSignIn = async (req: Request, res: Response, user: Express.User, method: string) => {
    const returnTo = safeReturnTo(takeReturnTo(req, res));
    await logIn(req, user);
    req.log?.info({ event: 'auth.signed_in', userId: user.id, method }, 'signed in');
    res.redirect(303, returnTo);
  };

  /** GET /login/windows: the NTLM handshake, one 401 round trip per message, on one kept-alive connection. */
  if (auth.ntlm) {
    router.get('/login/windows', async (req, res, next) => {
      if (req.user) return res.redirect(303, safeReturnTo(takeReturnTo(req, res)));
      let outcome;
      try {
        outcome = await runStrategy(instance, 'ntlm', req, res, next);
      } catch (err) {
        if (!isSignOnUnavailable(err)) throw err;
        log.warn({ event: 'auth.sso_unavailable', reason: (err as Error).message }, 'Windows sign-on unavailable');
        req.session.skipSso = true;
        return res.status(503).render('auth/login', page(messages.ssoUnavailable));
      }
      if (outcome.user) return finishSignIn(req, res, outcome.user, 'ntlm');
      const failure = outcome.info as NtlmFailure;
      // The body is the sign-in page: a browser that cannot answer the challenge shows it, with the other methods.
      if (failure.challenge) res.set('WWW-Authenticate', failure.challenge);
      req.session.skipSso = true;
      res.status(outcome.status ?? 401).render('auth/login', page(t(NOTICE_KEYS[failure.reason])));
    });
  }

  /** POST /login/directory: Windows user name and password, checked by the directory over LDAPS. */
  if (auth.modes.includes('ldap') && auth.ldap && auth.domain) {
    const domain = auth.domain;
    const ldapTimeoutMs = auth.ldap.timeoutMs;
    router.post(
      '/login/directory',
      formPage('auth/login', () => page()),
      async (req, res, next) => {
        const body = req.body as Record<string, unknown>;
        const username = directoryUsername(body[DIRECTORY_FIELDS.username], domain).toLowerCase();
        const accountKey = `d:${username}`;
        throttle.check(req, accountKey);
        const failed = () => {
          throttle.fail(req, accountKey);
          req.log?.info({ event: 'auth.sign_in_failed', username, method: 'ldap' }, 'sign-in failed');
          return new FieldErrors({ _form: signInFailed() }, 401);
        };
        // CASE: an empty password never reaches the directory: LDAP treats it as an anonymous bind, which "succeeds".
        if (!username || typeof body[DIRECTORY_FIELDS.password] !== 'string' || body[DIRECTORY_FIELDS.password] === '') throw failed();

        let outcome;
        try {
          // LDAP_TIMEOUT_MS bounds the whole exchange (connect, search, bind), not each step.
          outcome = await withDeadline(runStrategy(instance, 'ldapauth', req, res, next), ldapTimeoutMs);
        } catch (err) {
          if (err instanceof AppError) throw err;
          const e = err as { name?: string; code?: string };
          log.warn({ event: 'auth.directory_unavailable', error: e.name, code: e.code }, 'directory did not answer');
          return res
            .status(503)
            .render('auth/login', { ...page(messages.directoryUnavailable), values: { [DIRECTORY_FIELDS.username]: body[DIRECTORY_FIELDS.username] } });
        }
        if (!outcome.user) throw failed();
        throttle.succeed(accountKey);
        await finishSignIn(req, res, outcome.user, 'ldap');
      },
    );
  }

  return router;
}
