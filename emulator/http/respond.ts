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

/**
 * The IIS 6 error page for a status. Like IIS's own pages (`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">`,
 * an unclosed `<META>`), it is HTML that is *not* well-formed XML: DavMail parses any error body it gets and
 * turns an XML root that is not a multistatus into a 503 for its CalDAV client, so a well-formed page broke
 * "GET after DELETE" (§4.4, §16: a 404 is a plain missing-resource answer).
 */
export function errorPageHtml(status: number, message: string): string {
  return [
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">',
    `<HTML><HEAD><TITLE>${status} ${escapeHtml(message)}</TITLE>`,
    '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=Windows-1252">',
    '</HEAD><BODY>',
    `<h1>${escapeHtml(message)}</h1><hr>`,
    `<p>HTTP Error ${status}<br>Internet Information Services (IIS)`,
    '</BODY></HTML>',
  ].join('\r\n');
}

export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string | string[]> = {}): void {
  send(res, status, errorPageHtml(status, message), 'text/html', { 'MS-WebStorage': WEBSTORAGE_VERSION, ...headers });
}
