import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NtlmConfig } from './auth-config.ts';

/** winbind could not be asked (helper missing, crashed, too slow, or said BH): sign-on is unavailable, 503. */
export class HelperUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`ntlm_auth helper unavailable: ${reason}`);
    this.name = 'HelperUnavailableError';
  }
}

/** One answer of the squid-2.5-ntlmssp protocol. */
export type HelperAnswer =
  /** TT: the challenge (type 2) to send to the browser. */
  | { code: 'TT'; token: string }
  /** AF: authenticated as `DOMAIN\user`. */
  | { code: 'AF'; account: string }
  /** NA: refused (wrong password, unknown, disabled, anonymous…); `reason` is an NT_STATUS name. */
  | { code: 'NA'; reason: string };

/**
 * One `ntlm_auth --helper-protocol=squid-2.5-ntlmssp` process: the state of exactly one NTLM handshake.
 * Lines: `YR <type1>` → `TT <type2>`; `KK <type3>` → `AF DOMAIN\user` | `NA <reason>`; `BH <reason>` = broken.
 */
export class NtlmHelper {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: { resolve: (line: string) => void; reject: (err: Error) => void } | null = null;
  private failure: HelperUnavailableError | null = null;

  constructor(private readonly config: NtlmConfig) {
    const args = ['--helper-protocol=squid-2.5-ntlmssp', ...(config.helperConfigFile ? [`--configfile=${config.helperConfigFile}`] : [])];
    this.child = spawn(config.helperPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // stderr is drained and dropped: the helper's diagnostics can echo protocol data, which is never logged.
    this.child.stderr.resume();
    this.child.stdin.on('error', () => this.fail('stdin closed'));
    this.child.on('error', (err) => this.fail(err.message));
    this.child.on('exit', (code, signal) => this.fail(`exited (${signal ?? code})`));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiting = this.pending;
      this.pending = null;
      waiting?.resolve(line);
    });
  }

  private fail(reason: string): void {
    this.failure ??= new HelperUnavailableError(reason);
    const waiting = this.pending;
    this.pending = null;
    waiting?.reject(this.failure);
  }

  /** Sends one request line and waits for its answer, at most `timeoutMs`. */
  async ask(request: 'YR' | 'KK', token: string): Promise<HelperAnswer> {
    if (this.failure) throw this.failure;
    if (this.pending) throw new HelperUnavailableError('a request is already in flight');
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(`no answer within ${this.config.timeoutMs} ms`);
        this.close();
      }, this.config.timeoutMs);
      this.pending = {
        resolve: (l) => (clearTimeout(timer), resolve(l)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.child.stdin.write(`${request} ${token}\n`);
    });
    const space = line.indexOf(' ');
    const code = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    if (code === 'TT' && request === 'YR' && rest) return { code, token: rest };
    if (code === 'AF' && request === 'KK' && rest) return { code, account: rest };
    if (code === 'NA') return { code, reason: /^[A-Z0-9_]{1,80}/.exec(rest)?.[0] ?? 'UNKNOWN' };
    // BH, or an answer that does not fit the request: the helper cannot be trusted any more.
    this.close();
    throw new HelperUnavailableError(code === 'BH' ? `BH ${/^[A-Z0-9_]{1,80}/.exec(rest)?.[0] ?? ''}` : `unexpected answer ${code.slice(0, 4)}`);
  }

  close(): void {
    this.fail('closed');
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
