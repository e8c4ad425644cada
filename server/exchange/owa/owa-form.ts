// The ONE encoder for OWA form bodies (`application/x-www-UTF8-encoded`, §15): lines of `name=value` joined
// by LF, values raw UTF-8. A line break inside a value would start a new field, so any value carrying one is
// rejected here: no subject, location or address can inject `Required=` or `Cmd=` lines.

export const OWA_FORM_CONTENT_TYPE = 'application/x-www-UTF8-encoded';

/** Raised when a field cannot be encoded safely. Carries the field name, never the value. */
export class OwaFormError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`OWA form field ${field}: ${problem}`);
    this.name = 'OwaFormError';
  }
}

export type OwaField = readonly [name: string, value: string];

// Names are OWA field names (`Cmd`, `MsgTo`) or property URIs (`urn:schemas:httpmail:subject`).
const NAME = /^[A-Za-z][A-Za-z0-9:._/-]*$/;
// CR, LF and every other character a parser might take as a line end; NUL for good measure.
const LINE_BREAK = /[\r\n\u0000\u000B\u000C\u0085\u2028\u2029]/;

export function encodeOwaForm(fields: readonly OwaField[]): string {
  if (fields.length === 0) throw new OwaFormError('(none)', 'empty form');
  return fields
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new OwaFormError(name.replace(/[^\x20-\x7e]/g, '?').slice(0, 60), 'not a valid field name');
      if (typeof value !== 'string') throw new OwaFormError(name, 'value is not a string');
      if (LINE_BREAK.test(value)) throw new OwaFormError(name, 'value contains a line break');
      return `${name}=${value}`;
    })
    .join('\n');
}

/** For HTML bodies only: line breaks become character references, which HTML renders the same way. */
export function htmlWithoutLineBreaks(html: string): string {
  return html.replace(/\r\n|\r|\n|\u2028|\u2029|\u0085/g, (m) => (m === '\r\n' ? '&#13;&#10;' : `&#${m.charCodeAt(0)};`)).replace(/[\u0000\u000B\u000C]/g, '');
}
