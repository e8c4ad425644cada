import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { buildPropertyUpdate, buildPropfind, buildSearchRequest, childOf, parseXml } from './xml.ts';
import { NS } from './properties.ts';

test('buildPropertyUpdate() escapes markup in values so no element can be injected', () => {
  const xml = buildPropertyUpdate({ subject: 'Q1</d:subject><e:to>evil@example.com</e:to><d:subject>' });
  const root = parseXml(xml);
  const prop = childOf(childOf(root, NS.dav, 'set')!, NS.dav, 'prop')!;
  assert.equal(prop.children.length, 1);
  assert.equal(prop.children[0]!.text, 'Q1</d:subject><e:to>evil@example.com</e:to><d:subject>');
});

test('buildPropertyUpdate() writes typed values with b:dt and UTC dates', () => {
  const start = DateTime.fromISO('2026-03-29T09:00', { zone: 'Europe/London' });
  const xml = buildPropertyUpdate({ dtStart: start, sequence: 3, responseRequested: true, busyStatus: 'BUSY' });
  assert.match(xml, /<f:dtstart b:dt="dateTime.tz">2026-03-29T08:00:00.000Z<\/f:dtstart>/);
  assert.match(xml, /<f:sequence b:dt="int">3<\/f:sequence>/);
  assert.match(xml, /<f:responserequested b:dt="boolean">1<\/f:responserequested>/);
  assert.match(xml, /<f:busystatus>BUSY<\/f:busystatus>/);
  assert.match(xml, /xmlns:a="DAV:"/);
});

test('buildPropertyUpdate() drops characters XML cannot carry', () => {
  const xml = buildPropertyUpdate({ subject: 'a\u0000b\u0007c' });
  assert.equal(childOf(childOf(childOf(parseXml(xml), NS.dav, 'set')!, NS.dav, 'prop')!, NS.mail, 'subject')!.text, 'abc');
});

test('buildPropertyUpdate() rejects a non-integer for an int property', () => {
  assert.throws(() => buildPropertyUpdate({ sequence: 1.5 }), /integer/);
});

test('buildPropertyUpdate() lists removed properties under remove', () => {
  const root = parseXml(buildPropertyUpdate({ subject: 'x' }, ['cc']));
  const removed = childOf(childOf(root, NS.dav, 'remove')!, NS.dav, 'prop')!;
  assert.equal(removed.children[0]!.ns, NS.hdr);
  assert.equal(removed.children[0]!.name, 'cc');
});

test('buildPropfind() asks for each property in its namespace', () => {
  const root = parseXml(buildPropfind(['folderCalendar', 'folderSubmission']));
  const names = childOf(root, NS.dav, 'prop')!.children.map((c) => c.ns + c.name);
  assert.deepEqual(names, [NS.mail + 'calendar', NS.mail + 'sendmsg']);
});

test('buildSearchRequest() escapes comparison operators in the SQL', () => {
  const xml = buildSearchRequest(`WHERE "urn:schemas:calendar:dtend" > '2026/01/01 00:00:00' AND a < b & c`);
  assert.match(xml, /&gt; &apos;2026\/01\/01 00:00:00&apos; AND a &lt; b &amp; c/);
  assert.equal(childOf(parseXml(xml), NS.dav, 'sql')!.text, `WHERE "urn:schemas:calendar:dtend" > '2026/01/01 00:00:00' AND a < b & c`);
});

test('parseXml() resolves prefixes to namespaces whatever they are called', () => {
  const root = parseXml('<x:multistatus xmlns:x="DAV:"><x:response><y:subject xmlns:y="urn:schemas:httpmail:">s</y:subject></x:response></x:multistatus>');
  assert.equal(root.ns, 'DAV:');
  assert.equal(root.children[0]!.children[0]!.ns, NS.mail);
});

test('parseXml() throws on malformed XML', () => {
  assert.throws(() => parseXml('<a:multistatus xmlns:a="DAV:"><a:response></a:multistatus>'), /malformed-xml/);
});

test('parseXml() throws on an undeclared prefix', () => {
  assert.throws(() => parseXml('<a:multistatus/>'), /undeclared prefix/);
});

test('parseXml() reads an unprefixed child with no default namespace as in no namespace (a SEARCH `AS alias` column)', () => {
  const root = parseXml(
    '<a:multistatus xmlns:a="DAV:"><a:response><a:propstat><a:prop><counterproposal>1</counterproposal></a:prop></a:propstat></a:response></a:multistatus>',
  );
  const el = root.children[0]!.children[0]!.children[0]!.children[0]!;
  assert.equal(el.ns, '');
  assert.equal(el.name, 'counterproposal');
  assert.throws(() => parseXml('<multistatus/>'), /undeclared prefix/, 'the root is namespaced all the same');
});

test('parseXml() throws on an HTML page', () => {
  assert.throws(() => parseXml('<html><body><p>Error<br></body></html>'), /malformed-xml/);
});

test('parseXml() decodes the XML entities and numeric references Exchange writes, every time; HTML names are not XML', () => {
  const doc = '<a:x xmlns:a="DAV:">Line 1&#10;Line 2 &#x41;&amp;&lt;&gt;&quot;&apos; caf&#233; &nbsp;</a:x>';
  // Twice: one decoder serves every parse, and the second must not see anything of the first.
  for (let i = 0; i < 2; i++) assert.equal(parseXml(doc).text, 'Line 1\nLine 2 A&<>"\' café &nbsp;');
});

test('parseXml() never expands entities a DTD in the answer declares', () => {
  const doc = '<!DOCTYPE x [<!ENTITY boom "exploded">]><a:x xmlns:a="DAV:">&boom;</a:x>';
  assert.equal(parseXml(doc).text, '&boom;');
});
