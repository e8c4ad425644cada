import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isExchangeAddress, multiLineProblem, singleLineProblem } from './text-rules.ts';
import { validateMeeting } from './meeting-props.ts';
import { InvalidMeetingError } from './errors.ts';
import { makeMeeting } from './fixtures/meetings.ts';

const LINE_ENDS = ['\r', '\n', '\t', '\u2028', '\u2029', '\u0085'];
const CONTROLS = ['\u0000', '\u0001', '\u000b', '\u000c', '\u001f', '\u007f', '\u0080', '\u009f', '\ufffe', '\uffff', '\ud800', '\udc00'];

test('singleLineProblem() refuses every line end (U+2028, U+2029, NEL too) and every control character', () => {
  for (const c of LINE_ENDS) assert.equal(singleLineProblem(`Budget${c}review`), 'line-break', JSON.stringify(c));
  for (const c of CONTROLS) assert.equal(singleLineProblem(`Budget${c}review`), 'control', JSON.stringify(c));
  for (const ok of ['Budget review', 'Café “Ünïcode” 😀', '<b>&amp;</b> ]]> %0d%0aRequired=x']) assert.equal(singleLineProblem(ok), null, ok);
});

test('multiLineProblem() allows line breaks and tabs but no control characters', () => {
  for (const c of [...LINE_ENDS.filter((c) => c !== '\u0085')]) assert.equal(multiLineProblem(`a${c}b`), null, JSON.stringify(c));
  for (const c of [...CONTROLS, '\u0085']) assert.equal(multiLineProblem(`a${c}b`), 'control', JSON.stringify(c));
});

test('validateMeeting() refuses a subject with U+2028, U+2029 or NEL and a name or address with a control character', () => {
  for (const c of ['\u2028', '\u2029', '\u0085']) {
    assert.throws(
      () => validateMeeting(makeMeeting({ subject: `Budget${c}review` })),
      (e: unknown) => e instanceof InvalidMeetingError && e.fields.subject === 'must be a single line.',
    );
  }
  assert.throws(() => validateMeeting(makeMeeting({ requiredAttendees: [{ email: 'bob@example.com', name: 'Bob\u0000' }] })), InvalidMeetingError);
  assert.throws(() => validateMeeting(makeMeeting({ requiredAttendees: [{ email: 'b\u0085ob@example.com' }] })), InvalidMeetingError);
  assert.throws(
    () => validateMeeting(makeMeeting({ textBody: 'Agenda\u0000' })),
    (e: unknown) => e instanceof InvalidMeetingError && 'textBody' in e.fields,
  );
  assert.doesNotThrow(() => validateMeeting(makeMeeting({ textBody: 'Agenda:\r\n\t1.\u2028 Numbers' })));
});

test('isExchangeAddress() takes printable ASCII addresses only (Exchange 2003 predates internationalized mail)', () => {
  for (const ok of ['bob@example.com', 'x.y+tag@partner.example', "o'neil@example.com"]) assert.ok(isExchangeAddress(ok), ok);
  for (const bad of [
    'bob@example.com\ufffd',
    'jörg@example.com',
    'b\u0085ob@example.com',
    'bob@exa mple.com',
    'bob',
    'a@b@c',
    'a,b@c',
    `${'a'.repeat(320)}@x`,
  ]) {
    assert.equal(isExchangeAddress(bad), false, JSON.stringify(bad));
  }
  assert.throws(() => validateMeeting(makeMeeting({ optionalAttendees: [{ email: 'bob@example.com\ufffd' }] })), InvalidMeetingError);
});
