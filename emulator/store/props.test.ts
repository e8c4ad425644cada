import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultType, normalizeValue, parseExchangeDate, PropValueError, splitName } from './props.ts';

test('parseExchangeDate() reads ISO with Z, offsets, no zone (UTC) and the SEARCH slash form', () => {
  assert.equal(parseExchangeDate('2006-11-20T09:00:00.000Z')?.toISOString(), '2006-11-20T09:00:00.000Z');
  assert.equal(parseExchangeDate('2006-11-20T10:00:00+01:00')?.toISOString(), '2006-11-20T09:00:00.000Z');
  assert.equal(parseExchangeDate('2006-11-20T09:00:00')?.toISOString(), '2006-11-20T09:00:00.000Z');
  assert.equal(parseExchangeDate('2006/11/20 09:00:00')?.toISOString(), '2006-11-20T09:00:00.000Z');
  assert.equal(parseExchangeDate('tomorrow'), undefined);
});

test('normalizeValue() canonicalises typed values and refuses bad ones', () => {
  assert.deepEqual(normalizeValue('urn:schemas:calendar:dtstart', undefined, '2006-11-20T10:00:00+01:00'), {
    type: 'dateTime.tz',
    value: '2006-11-20T09:00:00.000Z',
  });
  assert.deepEqual(normalizeValue('x', 'boolean', 'true'), { type: 'boolean', value: '1' });
  assert.deepEqual(normalizeValue('x', 'int', ' 007 '), { type: 'int', value: '7' });
  assert.deepEqual(normalizeValue('x', 'mv.string', ['a', 'b']), { type: 'mv.string', value: ['a', 'b'] });
  assert.throws(() => normalizeValue('x', 'int', '1.5'), PropValueError);
  assert.throws(() => normalizeValue('x', 'boolean', 'yes'), PropValueError);
  assert.throws(() => normalizeValue('x', 'dateTime.tz', 'soon'), PropValueError);
});

test('defaultType() knows calendar properties and reads MAPI proptag types from the tag', () => {
  assert.equal(defaultType('urn:schemas:calendar:instancetype'), 'int');
  assert.equal(defaultType('http://schemas.microsoft.com/mapi/proptag/x65e8000b'), 'boolean');
  assert.equal(defaultType('http://schemas.microsoft.com/mapi/proptag/x0e230003'), 'int');
  assert.equal(defaultType('http://schemas.microsoft.com/mapi/proptag/x10f3001f'), 'string');
  assert.equal(defaultType('urn:schemas:httpmail:subject'), 'string');
});

test('splitName() splits at the last colon or slash', () => {
  assert.deepEqual(splitName('DAV:getetag'), { ns: 'DAV:', local: 'getetag' });
  assert.deepEqual(splitName('http://schemas.microsoft.com/mapi/proptag/x10f3001f'), { ns: 'http://schemas.microsoft.com/mapi/proptag/', local: 'x10f3001f' });
});
