// A small RFC 822 / MIME reader: headers (with folding and RFC 2047 words), multipart bodies, and the
// transfer encodings clients use (7bit, 8bit, quoted-printable, base64).

export interface MimePart {
  headers: Map<string, string>;
  /** Decoded body text (for leaf parts). */
  body: string;
  parts: MimePart[];
}

export function decodeWords(text: string): string {
  return text.replace(/=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g, (_m, charset: string, enc: string, data: string) => {
    const cs = charset.toLowerCase() === 'utf-8' ? 'utf8' : 'latin1';
    if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString(cs);
    const bytes = data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString(cs);
  });
}

function splitHead(raw: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { head: raw, body: '' };
  return { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

export function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeWords(line.slice(i + 1).trim()));
  }
  return headers;
}

/** A header parameter such as `boundary` or `method` (quoted or not). */
export function headerParam(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

export function mediaType(value: string | undefined): string {
  return (value ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    default:
      return body;
  }
}

export function parseMime(raw: string): MimePart {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const type = headers.get('content-type');
  if (mediaType(type).startsWith('multipart/')) {
    const boundary = headerParam(type, 'boundary');
    if (boundary) {
      const parts: MimePart[] = [];
      const chunks = body.split(new RegExp(`(?:^|\\r?\\n)--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      for (const chunk of chunks.slice(1)) {
        if (chunk.startsWith('--')) break;
        parts.push(parseMime(chunk.replace(/^[ \t]*\r?\n/, '')));
      }
      return { headers, body: '', parts };
    }
  }
  return { headers, body: decodeBody(body, headers.get('content-transfer-encoding')), parts: [] };
}

/** Depth-first search for the first leaf part of a media type. */
export function findPart(part: MimePart, type: string): MimePart | undefined {
  if (!part.parts.length) return mediaType(part.headers.get('content-type')) === type ? part : undefined;
  for (const p of part.parts) {
    const hit = findPart(p, type);
    if (hit) return hit;
  }
  return undefined;
}

/** Addresses out of a header or property like `"Bob" <bob@example.com>, carol@example.com`. */
export function parseAddressList(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const piece of value.match(/(?:"[^"]*"|[^,;])+/g) ?? []) {
    const angle = /<([^>]+)>/.exec(piece);
    const addr = (angle ? angle[1]! : piece)
      .trim()
      .replace(/^mailto:/i, '')
      .replace(/^SMTP:/i, '');
    if (addr.includes('@')) out.push(addr.toLowerCase());
  }
  return out;
}
