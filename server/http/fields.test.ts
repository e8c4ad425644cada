// The forms refuse everything the gateway would refuse (issue 19 item 3): one rule, checked both ways here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { optionalText, text } from './fields.ts';
import { validateMeeting } from '../exchange/meeting-props.ts';
import { makeMeeting } from '../exchange/fixtures/meetings.ts';
import { BookingForm, CancelForm } from '../bookings/schema.ts';
import { readStored } from '../i18n/stored.ts';

const subject = text('field.subject', 200);
const description = optionalText('field.description', 5000);
// Schema messages are catalog references (i18n/zod.ts); these read them in English, as a page would.
const words = (m: string | undefined) => (m === undefined ? undefined : readStored(m));

test('text() names the field when it holds U+2028, U+2029, NEL, NUL, DEL or a tab', () => {
  for (const c of ['\u2028', '\u2029', '\u0085', '\r', '\n', '\t']) {
    const r = subject.safeParse(`Budget${c}review`);
    assert.equal(r.success, false);
    assert.equal(words(r.error!.issues[0]!.message), 'Subject must be a single line.', JSON.stringify(c));
  }
  for (const c of ['\u0000', '\u007f', '\u009b', '\ufffe'])
    assert.equal(words(subject.safeParse(`a${c}b`).error?.issues[0]?.message), 'Subject must not contain control characters.');
});

test('a field sent twice is "must be given once", not a type error', () => {
  assert.equal(words(subject.safeParse(['a', 'b']).error?.issues[0]?.message), 'Subject must be given once.');
  assert.equal(words(CancelForm.safeParse({ message: ['a', 'b'] }).error?.issues[0]?.message), 'Message must be given once.');
  assert.equal(words(subject.safeParse(undefined).error?.issues[0]?.message), 'Subject is required.');
  const r = BookingForm.safeParse({ required: ['a@example.com', 'b@example.com'] });
  assert.ok(r.error?.issues.some((i) => i.path[0] === 'required' && words(i.message) === 'Required attendees must be given once.'));
});

test('an attendee address with NEL, a control character or a non-ASCII character is not an address', () => {
  for (const address of ['b\u0085ob@example.com', 'bob@example.com\ufffd', 'bob\u0001@example.com', 'jörg@example.com']) {
    const r = BookingForm.safeParse({ required: address });
    assert.ok(
      r.error?.issues.some((i) => i.path[0] === 'required' && /is not an e-mail address/.test(readStored(i.message))),
      JSON.stringify(address),
    );
  }
});

// Characters from every class the rules care about, so short strings hit them often.
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '\u0000',
      '\u0001',
      '\t',
      '\n',
      '\r',
      '\u000b',
      '\u007f',
      '\u0085',
      '\u009f',
      '\u00a0',
      '\u2028',
      '\u2029',
      '\ufeff',
      '\ufffe',
      '\ud800',
      '<',
      '&',
      ']]>',
      '%0d%0a',
      'Required=',
    ),
    fc.string({ unit: 'grapheme', maxLength: 2 }),
  ),
  maxLength: 12,
});

test('property: whatever the form accepts as a subject or a description, the gateway accepts (seeded)', () => {
  fc.assert(
    fc.property(hostile, hostile, (s, d) => {
      const sub = subject.safeParse(s);
      const desc = description.safeParse(d);
      const meeting = makeMeeting({ ...(sub.success ? { subject: sub.data } : {}), textBody: desc.success ? (desc.data ?? '') : '' });
      validateMeeting(meeting);
    }),
    { seed: 19, numRuns: 2000 },
  );
});
