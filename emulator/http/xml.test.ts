import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, XmlSyntaxError } from './xml-read.ts';
import { writeXml } from './xml-write.ts';

test('parseXml() resolves prefixes, default namespaces and nested declarations', () => {
  const el = parseXml('<propfind xmlns="DAV:"><prop><x:subject xmlns:x="urn:schemas:httpmail:"/><getetag/></prop></propfind>');
  assert.equal(el.ns, 'DAV:');
  assert.deepEqual(
    el.children[0]!.children.map((c) => c.ns + c.local),
    ['urn:schemas:httpmail:subject', 'DAV:getetag'],
  );
});

test('parseXml() refuses malformed XML, undeclared prefixes and DOCTYPEs', () => {
  assert.throws(() => parseXml('<a:x xmlns:a="DAV:">'), XmlSyntaxError);
  assert.throws(() => parseXml('<q:x/>'), XmlSyntaxError);
  assert.throws(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), XmlSyntaxError);
});

test('writeXml() declares a: last, allocates letter prefixes in order of appearance and escapes text', () => {
  const xml = writeXml({
    ns: 'DAV:',
    local: 'multistatus',
    children: [
      { ns: 'urn:one:', local: 'x', text: '<&>"' },
      { ns: 'urn:two:', local: 'y' },
    ],
  });
  assert.equal(
    xml,
    '<?xml version="1.0"?><a:multistatus xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/" xmlns:c="xml:" xmlns:d="urn:one:" xmlns:e="urn:two:" xmlns:a="DAV:"><d:x>&lt;&amp;&gt;"</d:x><e:y/></a:multistatus>',
  );
});

test('parseXml() decodes XML entities and numeric references in text and attributes, the same on every parse', () => {
  const doc = '<a:x xmlns:a="DAV:" a:t="&#10;&amp;">Line&#10;&#x41;&amp;&lt;&gt;&quot;&apos; caf&#233;</a:x>';
  for (let i = 0; i < 2; i++) {
    const el = parseXml(doc);
    assert.equal(el.text, 'Line\nA&<>"\' café');
    assert.equal(el.attrs.get('DAV:t'), '\n&');
  }
});
