// Applies the fault rules matching a request before it is handled: latency, an injected status, a dropped
// connection, or a 200 OWA error page. Every injected fault is logged at warn level.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestContext } from '../http/context.ts';
import { logonPageHtml } from '../http/logon-page.ts';
import { sendError, sendHtml, sendXml } from '../http/respond.ts';
import { sendOwaErrorPage } from '../owa/error-page.ts';

/** True when a fault answered (or dropped) the request. */
export async function applyFaults(ctx: RequestContext): Promise<boolean> {
  const method = ctx.req.method ?? 'GET';
  let path = ctx.url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the raw path for matching
  }
  const rules = ctx.state.faults.take(method, path + ctx.url.search);
  if (!rules.length) return false;
  for (const rule of rules) {
    ctx.log.warn({ event: 'fault.injected', kind: rule.kind, rule: rule.id, method, path, status: rule.status, latencyMs: rule.latencyMs }, 'fault injected');
  }
  const delay = rules.reduce((sum, r) => sum + (r.kind === 'latency' ? (r.latencyMs ?? 0) : 0), 0);
  if (delay > 0) await sleep(delay);
  if (rules.some((r) => r.kind === 'downlevel')) ctx.downlevel = true;
  if (rules.some((r) => r.kind === 'truncate')) cutResponseMidway(ctx);
  const terminal = rules.find((r) => r.kind !== 'latency' && r.kind !== 'downlevel' && r.kind !== 'truncate');
  if (!terminal) return false;
  switch (terminal.kind) {
    case 'drop':
      ctx.req.socket.destroy();
      return true;
    case 'owa-error':
      sendOwaErrorPage(ctx, 'An unexpected error has occurred. (injected)');
      return true;
    case 'login-page':
      sendHtml(ctx.res, 200, logonPageHtml(ctx.url.pathname, 0));
      return true;
    case 'empty-multistatus':
      sendXml(ctx.res, 207, '<?xml version="1.0"?><a:multistatus xmlns:a="DAV:"></a:multistatus>');
      return true;
    default: {
      const status = terminal.status ?? 503;
      const headers: Record<string, string | string[]> =
        status === 440
          ? {
              'Set-Cookie': ['sessionid=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT', 'cadata=; path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT'],
              Connection: 'close',
            }
          : {};
      sendError(ctx.res, status, status === 440 ? 'Login Timeout' : 'Injected fault', headers);
      return true;
    }
  }
}

/**
 * truncate: the request is carried out as usual, but the connection drops halfway through the answer's body
 * (headers promise the whole length). A client then cannot tell whether the operation took effect.
 */
function cutResponseMidway(ctx: RequestContext): void {
  const res = ctx.res;
  const end = (chunk?: unknown): typeof res => {
    const body = Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : '');
    const whole = Math.max(body.length, 2);
    if (!res.headersSent) res.setHeader('Content-Length', String(whole));
    res.write(body.subarray(0, Math.floor(whole / 2)));
    setImmediate(() => res.socket?.destroy());
    return res;
  };
  res.end = end as typeof res.end;
}
