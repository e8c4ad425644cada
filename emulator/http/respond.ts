// Response writers with the headers an IIS 6 / Exchange 2003 front end sends.
import type { ServerResponse } from 'node:http';

export const WEBSTORAGE_VERSION = '6.5.7226';

const REASONS: Record<number, string> = { 440: 'Login Timeout', 207: 'Multi-Status' };

function baseHeaders(res: ServerResponse): void {
  res.setHeader('Server', 'Microsoft-IIS/6.0');
  res.setHeader('X-Powered-By', 'ASP.NET');
}

export function send(res: ServerResponse, status: number, body: string | Buffer, contentType: string, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) return;
  baseHeaders(res);
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (buf.length > 0 || contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(buf.length));
  const reason = REASONS[status];
  if (reason) res.writeHead(status, reason);
  else res.writeHead(status);
  res.end(res.req?.method === 'HEAD' ? undefined : buf);
}

/** DAV answers: `Content-Type: text/xml` exactly (DavMail compares the whole header), plus MS-WebStorage. */
export function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string | string[]> = {}): void {
  send(res, status, xml, 'text/xml', { 'MS-WebStorage': WEBSTORAGE_VERSION, ...headers });
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string | string[]> = {}): void {
  send(res, status, '', '', { 'MS-WebStorage': WEBSTORAGE_VERSION, ...headers });
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  send(res, status, html, 'text/html', headers);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The plain IIS-style error page for a status. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string | string[]> = {}): void {
  const html = `<html><head><title>${status} ${escapeHtml(message)}</title></head><body><h1>${escapeHtml(message)}</h1></body></html>`;
  send(res, status, html, 'text/html', { 'MS-WebStorage': WEBSTORAGE_VERSION, ...headers });
}
