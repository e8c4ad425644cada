// What text may reach Exchange: the one rule for the forms (server/http/fields.ts) and the gateway
// (validateMeeting). Whatever the gateway would refuse, the form refuses first with a field error, so no booking
// is accepted that can never be sent.
//
// Why these characters: XML 1.0 cannot carry C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF or lone surrogates,
// even escaped (the WebDAV bodies would drop or break them); an OWA form body (§15) is one `name=value` per line,
// so CR, LF, VT, FF, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) inside a single-line
// value would start a new field; DEL and the C1 controls (U+0080-U+009F, NEL among them) are invisible and some
// parsers treat them as line ends.

/** Never allowed in any text sent to Exchange. */
const NEVER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Also refused in single-line fields (subjects, names, locations, addresses): line breaks and TAB. */
const LINE_BREAK = /[\t\n\r\u2028\u2029]/;

export type TextProblem = 'control' | 'line-break';

/** Why a single-line value cannot reach Exchange, or null when it can. */
export function singleLineProblem(value: string): TextProblem | null {
  if (LINE_BREAK.test(value) || /\u0085/.test(value)) return 'line-break';
  return NEVER.test(value) ? 'control' : null;
}

/** Why a multi-line value (a description, a message) cannot reach Exchange, or null when it can. */
export function multiLineProblem(value: string): TextProblem | null {
  return NEVER.test(value) ? 'control' : null;
}

/**
 * An SMTP address as Exchange 2003 carries it: printable ASCII only (it predates internationalized addresses,
 * RFC 6531), one `@`, no spaces or the separators of an address list.
 */
export function isExchangeAddress(value: string): boolean {
  return value.length <= 320 && /^[\x21-\x7e]+$/.test(value) && /^[^@<>",;]+@[^@<>",;]+$/.test(value);
}

/** The sentence a form shows for a problem, after the field's label. */
export const TEXT_PROBLEM_MESSAGES: Record<TextProblem, string> = {
  'line-break': 'must be a single line.',
  control: 'must not contain control characters.',
};
