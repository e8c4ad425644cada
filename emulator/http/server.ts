// The HTTP front end: reads the body (with a size limit), applies injected faults, routes by path to the
// control API, the forms-auth pages, the mailbox store (/exchange/) and the public store (/public/).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, type EmulatorState, type RequestContext } from './context.ts';
import { splitPath } from './paths.ts';
import { send, sendError } from './respond.ts';
import { handleLogoff, handleLogonPage, handleLogonPost } from './forms.ts';
import { AUTH_PATH, LOGOFF_PATH, LOGON_PATH } from './logon-page.ts';
import { authenticate } from './auth.ts';
import { handleExchange } from './route-exchange.ts';
import { handlePublic } from './route-public.ts';
import { handleControl } from '../control/routes.ts';
import { applyFaults } from '../faults/apply.ts';

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createRequestHandler(state: EmulatorState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(state, req, res).catch((err: unknown) => {
      state.log.error({ err, event: 'http.unhandled' }, 'unhandled error');
      if (!res.headersSent) sendError(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  };
}

async function handle(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const host = req.headers.host ?? '127.0.0.1';
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `http://${host}`);
  } catch {
    // CASE: a Host header URL() cannot take; answer as IIS does for a malformed request.
    sendError(res, 400, 'Bad Request');
    return;
  }
  const log = state.log.child({ reqId: randomUUID().slice(0, 8) });
  res.on('finish', () => {
    // Never log headers: they carry Authorization, NTLM messages and cookies.
    log.debug({ event: 'http.request', method: req.method, path: url.pathname, status: res.statusCode, ms: Date.now() - started }, 'request');
  });

  let body: Buffer;
  try {
    body = await readBody(req, state.maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendError(res, 413, 'Request Entity Too Large', { Connection: 'close' });
      return;
    }
    throw err;
  }

  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const ctx: RequestContext = { state, req, res, url, base: `${scheme}://${host}`, body, principal: undefined, log };
  const path = url.pathname;
  const lower = path.toLowerCase();

  try {
    if (lower === '/_emulator' || lower.startsWith('/_emulator/')) {
      if (!state.controlApi) throw new HttpError(404, 'Not Found');
      await handleControl(ctx);
      return;
    }
    if (await applyFaults(ctx)) return;

    if (lower === LOGON_PATH) return handleLogonPage(ctx);
    if (lower === AUTH_PATH) return handleLogonPost(ctx);
    if (lower === LOGOFF_PATH) return handleLogoff(ctx);
    if (lower === '/') {
      send(res, 302, '', '', { Location: '/exchange/' });
      return;
    }

    const isExchange = lower === '/exchange' || lower.startsWith('/exchange/');
    const isPublic = lower === '/public' || lower.startsWith('/public/');
    if (!isExchange && !isPublic) throw new HttpError(404, 'Not Found');

    const principal = authenticate(ctx);
    if (!principal) return;
    ctx.principal = principal;
    ctx.log = log.child({ account: principal.alias });
    if (isExchange) await handleExchange(ctx, splitPath(path, '/exchange'));
    else await handlePublic(ctx, splitPath(path, '/public'));
  } catch (err) {
    if (err instanceof HttpError) {
      sendError(res, err.status, err.message, err.headers);
      return;
    }
    throw err;
  }
}
