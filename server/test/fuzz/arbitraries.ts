// Generated request bodies for the route fuzzer: mostly valid values (so requests get past the first check and
// reach Exchange) mixed with hostile ones, missing fields, repeated fields and raw form syntax.
import fc from 'fast-check';

/** A tag that must never come back unescaped in a page. */
export const MARK = 'x-fuzz';
/** An address that appears only inside text fields: it must never become a recipient. */
export const INJECTED = 'injected@attacker.example';
/** An iCalendar property the generator smuggles into text fields: it must never become a property. */
export const INJECTED_PROPERTY = 'X-FUZZ-INJECTED';

export const PAYLOADS: readonly string[] = [
  '',
  ' ',
  ' \t ',
  'x'.repeat(201),
  'm'.repeat(2001),
  'd'.repeat(5001),
  'Budget\u2028review',
  'Budget\u2029review',
  'Budget\u0085review',
  '\u2028',
  'a\u0000b',
  '\u0000',
  '\u007f',
  '\u009b',
  '\u000b\u000c',
  '\r\n',
  'a\rb',
  'a\nb',
  '\t',
  `<${MARK}>`,
  `<script>${MARK}</script>`,
  `"><${MARK} a='`,
  `]]><${MARK}/>`,
  `<![CDATA[<${MARK}>]]>`,
  '&amp;&lt;&#0;&#x2028;&#xD;',
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
  '</a:prop></a:set><a:set><a:prop><e:to>x</e:to>',
  `%0d%0aRequired=${INJECTED}`,
  `\r\nRequired=${INJECTED}`,
  `x\nOptional=${INJECTED}\nCmd=sendappt`,
  `x\u2028Resource=${INJECTED}`,
  `x\u0085urn:schemas:mailheader:to=${INJECTED}`,
  `x\r\nBEGIN:VEVENT\r\n${INJECTED_PROPERTY}:1\r\nATTENDEE:mailto:${INJECTED}\r\nEND:VEVENT`,
  `SUMMARY:x\n${INJECTED_PROPERTY}:1`,
  `x\r\nBcc: ${INJECTED}\r\n\r\n`,
  `"Evil" <${INJECTED}>`,
  `Evil\\n${INJECTED_PROPERTY};X=1:y`,
  '99999999999999999999999',
  '-1',
  '0',
  '1e308',
  'NaN',
  'Infinity',
  '0x1F',
  '9007199254740993',
  '１２',
  '1.5',
  '-0',
  '😀',
  '\ud83d',
  'ℌ𝔢𝔩𝔩𝔬',
  '\u202eevil',
  '\ufeffBOM',
  'A\u030a',
  '\uffff',
  '\ufffe',
  '{{7*7}}',
  '<%= 7*7 %>',
  '${7*7}',
  '../../etc/passwd',
  "'; DROP TABLE bookings; --",
  '%',
  '%zz',
  '+',
  '__proto__',
  'constructor',
];

const HOSTILE_CHARS = [
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u202e',
  '\ufeff',
  '\ufffe',
  '\ud800',
  '<',
  '>',
  '&',
  '"',
  "'",
  ';',
  ',',
  '=',
  '%',
  ':',
  '\\',
  'a',
  'Z',
  '0',
  ' ',
  '@',
];

export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...HOSTILE_CHARS), maxLength: 16 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PAYLOADS), fc.constantFrom(...PAYLOADS)).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
);

export type FieldValue = { kind: 'missing' } | { kind: 'one'; value: string } | { kind: 'many'; values: string[] };

/** Raw text appended to the encoded body as is: OWA form syntax, broken escapes, extra separators. */
export const rawSuffix: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      `&%0d%0aRequired=${encodeURIComponent(INJECTED)}`,
      '&subject=%E0%A4',
      '&subject=%C0%AE',
      '&&&',
      '&=x',
      '&x',
      '&a[b]=1&a[c]=2',
      `&subject=a%0d%0aRequired%3d${encodeURIComponent(INJECTED)}`,
      '&description=%00%E2%80%A8%C2%85',
      '&_csrf=&_csrf=x',
      '&%zz=1',
      '&roomId=1&roomId=2',
    ),
  },
);

/** `:id` in a route: an index into the records that exist when the request is sent, or a hostile id. */
export type IdPick = { pick: number } | { raw: string };
export const idPick: fc.Arbitrary<IdPick> = fc.oneof(
  { weight: 8, arbitrary: fc.nat(60).map((pick): IdPick => ({ pick })) },
  { weight: 1, arbitrary: fc.constantFrom('999999', '0', 'abc', '1%00', '99999999999999999999', '1.0', '%2F', '-1', '1e3').map((raw): IdPick => ({ raw })) },
);

const two = (n: number) => String(n).padStart(2, '0');
/** Start and end on the same day, 15 minutes to 2 hours apart. */
export const slot: fc.Arbitrary<{ start: string; end: string }> = fc
  .tuple(fc.integer({ min: 8 * 4, max: 17 * 4 }), fc.integer({ min: 1, max: 8 }))
  .map(([q, len]) => {
    const t = (quarters: number) => `${two(Math.floor(quarters / 4))}:${two((quarters % 4) * 15)}`;
    return { start: t(q), end: t(q + len) };
  });

/** A few words, sometimes with accents or emoji: what people type. */
export const words: fc.Arbitrary<string> = fc
  .array(fc.constantFrom('Budget', 'review', 'Stand-up', 'Café', '“Planung”', '1:1', 'Q3', '😀', 'Ärger & Co', '<b>bold</b>', 'a"b'), {
    minLength: 1,
    maxLength: 4,
  })
  .map((w) => w.join(' '));

/** Attendee lists as people type them, separated by commas, semicolons, spaces or new lines. */
export function attendees(known: readonly string[]): fc.Arbitrary<string> {
  const one = fc.oneof(fc.constantFrom(...known), fc.constantFrom('guest@outside.example', 'Bob@Example.com', '<rita@example.com>', 'x.y+tag@partner.example'));
  return fc.tuple(fc.array(one, { maxLength: 4 }), fc.constantFrom(', ', ';', '\n', ' ', '\r\n')).map(([list, sep]) => list.join(sep));
}

export const idempotencyKey: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'),
  minLength: 22,
  maxLength: 22,
});
