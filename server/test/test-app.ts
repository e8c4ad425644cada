import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../config.ts';
import { systemClock, type Clock } from '../context.ts';
import { createLogger } from '../log.ts';
import { startApp, type RunningApp } from '../start.ts';

export interface TestApp extends RunningApp {
  dir: string;
  /** Stops the app and removes its temp folder. */
  close(): Promise<void>;
  /** Stops this instance and starts a new one on the same database (a restart). */
  restart(): Promise<TestApp>;
}

/** Starts the app on 127.0.0.1:0 with a temp SQLite file (demo data on unless overridden). */
export async function startTestApp(env: Record<string, string> = {}, clock: Clock = systemClock, dir?: string): Promise<TestApp> {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'roombook-test-'));
  const config: Config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: join(folder, 'app.db'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    // Tests drive the outbox and the reconciler by hand (app.worker.drain(), app.reconciler.runNow()).
    BACKGROUND_JOBS: '0',
    ...env,
  });
  const app = await startApp(config, createLogger(config.logLevel), clock);
  return {
    ...app,
    dir: folder,
    async close() {
      await app.stop(1000);
      rmSync(folder, { recursive: true, force: true });
    },
    async restart() {
      await app.stop(1000);
      return startTestApp(env, clock, folder);
    },
  };
}

/** Reads the embedded emulator's mailboxes through its control API. */
export async function mailboxItems(app: RunningApp, alias: string, folder: string): Promise<{ name: string; props: Record<string, string> }[]> {
  if (!app.emulator) throw new Error('no embedded emulator');
  const res = await fetch(`${app.emulator.url}/_emulator/mailboxes/${alias}/items?folder=${folder}`);
  if (!res.ok) throw new Error(`control API ${res.status}`);
  return (await res.json()) as { name: string; props: Record<string, string> }[];
}

/** A tiny cookie-keeping HTTP client that behaves like a browser without JavaScript. */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();
  /** Sent with every request, e.g. the browser's Accept-Language. */
  readonly sendHeaders: Record<string, string> = {};

  constructor(public baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), accept: 'text/html', ...this.sendHeaders, ...extra };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.baseUrl + path, { headers: this.headers(headers), redirect: 'manual' });
    this.remember(res);
    return res;
  }

  async post(path: string, form: Record<string, string | string[]>, opts: { csrf?: string | false } = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
    if (opts.csrf !== false) body.set('_csrf', opts.csrf ?? (await this.csrfToken()));
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body,
      redirect: 'manual',
    });
    this.remember(res);
    return res;
  }

  /** A multipart/form-data post (a file upload), the CSRF token first as the form sends it (unless csrf: false). */
  async postMultipart(path: string, form: FormData, opts: { csrf?: string | false } = {}): Promise<Response> {
    const body = new FormData();
    if (opts.csrf !== false) body.set('_csrf', opts.csrf ?? (await this.csrfToken()));
    form.forEach((v, k) => body.append(k, v));
    const res = await fetch(this.baseUrl + path, { method: 'POST', headers: this.headers(), body, redirect: 'manual' });
    this.remember(res);
    return res;
  }

  /** Reads the CSRF token the way a form would carry it: from a page rendered for this session. */
  async csrfToken(): Promise<string> {
    const page = await (await this.get('/login')).text();
    const fromLogin = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (fromLogin) return fromLogin;
    const home = await (await this.get('/')).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(home)?.[1];
    if (!token) throw new Error('no CSRF token on /login or /');
    return token;
  }

  async signIn(username: string, password = 'demo'): Promise<Response> {
    return this.post('/login', { username, password });
  }
}

/** A browser of `baseUrl` signed in as each of `usernames` (demo password), in order: `[alice, bob] = await signedIn(...)`. */
export async function signedIn<const Names extends readonly string[]>(
  baseUrl: string,
  ...usernames: Names
): Promise<{ -readonly [K in keyof Names]: TestBrowser }> {
  const browsers: TestBrowser[] = [];
  for (const name of usernames) {
    const b = new TestBrowser(baseUrl);
    await b.signIn(name);
    browsers.push(b);
  }
  return browsers as { -readonly [K in keyof Names]: TestBrowser };
}
