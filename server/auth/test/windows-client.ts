// A browser on a Windows desktop, as far as the tests need one: one kept-alive TCP connection, cookies, NTLM.
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { parseChallenge, type1Header, type3Header, type Challenge } from './ntlm-client.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Local port of the TCP connection the answer came on: equal ports = the same connection. */
  localPort: number;
}

export class WindowsBrowser {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** A second browser window: its own connection, the same cookies. */
  newWindow(): WindowsBrowser {
    const other = new WindowsBrowser(this.baseUrl);
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }

  /** GET on this browser's own connection, with its cookies and an optional Authorization header. */
  get(path: string, authorization?: string): Promise<RawResponse> {
    return this.send('GET', path, authorization);
  }

  /** POSTs a form with the CSRF token of the page at `from`, as a browser submitting it would. */
  async post(path: string, form: Record<string, string>, from = '/'): Promise<RawResponse> {
    const page = await this.get(from);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return this.send('POST', path, undefined, new URLSearchParams({ ...form, _csrf: csrf }).toString());
  }

  private send(method: string, path: string, authorization?: string, body?: string): Promise<RawResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers: Record<string, string> = { accept: 'text/html' };
    if (cookie) headers.cookie = cookie;
    if (authorization !== undefined) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    return new Promise((resolve, reject) => {
      const req = request(`${this.baseUrl}${path}`, { method, agent: this.agent, headers }, (res) => {
        const localPort = (res.socket as Socket).localPort ?? 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          for (const line of res.headers['set-cookie'] ?? []) {
            const [pair] = line.split(';');
            const eq = pair!.indexOf('=');
            this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), localPort });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends a type 1 and returns the server's challenge (type 2). */
  async negotiate(path = '/login/windows'): Promise<{ res: RawResponse; challenge: Challenge }> {
    const res = await this.get(path, type1Header());
    return { res, challenge: parseChallenge(String(res.headers['www-authenticate'] ?? '')) };
  }

  /** The whole handshake as a browser does it: anonymous request, type 1, type 3; returns the last answer. */
  async signIn(creds: { user: string; password: string; domain: string }, path = '/login/windows'): Promise<RawResponse[]> {
    const first = await this.get(path);
    const { res: second, challenge } = await this.negotiate(path);
    const third = await this.get(path, type3Header(challenge, creds));
    return [first, second, third];
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Closes the TCP connection, as a browser does when the tab goes away. */
  close(): void {
    this.agent.destroy();
  }
}
