import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeOwaForm, htmlWithoutLineBreaks, OwaFormError } from './owa-form.ts';

test('encodeOwaForm() joins name=value lines with LF and keeps UTF-8 raw', () => {
  assert.equal(
    encodeOwaForm([
      ['Cmd', 'sendappt'],
      ['urn:schemas:httpmail:subject', 'Kávé & tea = jó'],
    ]),
    'Cmd=sendappt\nurn:schemas:httpmail:subject=Kávé & tea = jó',
  );
});

test('encodeOwaForm() rejects a subject that tries to add an attendee with LF', () => {
  assert.throws(() => encodeOwaForm([['urn:schemas:httpmail:subject', 'Hi\nRequired=evil@example.com']]), OwaFormError);
});

test('encodeOwaForm() rejects CR, CRLF and Unicode line separators in values', () => {
  for (const bad of ['a\rCmd=delete', 'a\r\nb', 'a\u2028b', 'a\u2029b', 'a\u0085b', 'a\u000bb', 'a\u0000b']) {
    assert.throws(() => encodeOwaForm([['MsgTo', bad]]), OwaFormError, JSON.stringify(bad));
  }
});

test('encodeOwaForm() rejects field names that could smuggle a line or a value', () => {
  for (const bad of ['Cmd=x', 'a\nb', '', ' Cmd', 'x y']) {
    assert.throws(() => encodeOwaForm([[bad, 'v']]), OwaFormError, JSON.stringify(bad));
  }
});

test('encodeOwaForm() error names the field but never echoes the value', () => {
  assert.throws(
    () => encodeOwaForm([['MsgTo', 'secret\nvalue']]),
    (e: Error) => e.message.includes('MsgTo') && !e.message.includes('secret'),
  );
});

test('encodeOwaForm() accepts empty values', () => {
  assert.equal(
    encodeOwaForm([
      ['Required', ''],
      ['Optional', ''],
    ]),
    'Required=\nOptional=',
  );
});

test('htmlWithoutLineBreaks() turns line breaks into character references', () => {
  assert.equal(htmlWithoutLineBreaks('<p>a</p>\r\n<p>b\nc\rd</p>'), '<p>a</p>&#13;&#10;<p>b&#10;c&#13;d</p>');
  assert.doesNotThrow(() => encodeOwaForm([['urn:schemas:httpmail:htmldescription', htmlWithoutLineBreaks('x\ny\u2028z')]]));
});
