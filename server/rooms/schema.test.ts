import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldErrors } from '../errors.ts';
import { parseForm } from '../http/form.ts';
import { DirectoryQuery, RoomForm } from './schema.ts';

const valid = {
  name: ' Thames ',
  alias: 'thames',
  email: 'Thames@Example.com',
  capacity: '12',
  building: 'Harbour House',
  floor: '1',
  timeZone: 'Europe/London',
  opensAt: '07:00',
  closesAt: '20:00',
  maxDurationMinutes: '240',
  horizonDays: '180',
  equipment: 'projector',
};

const fieldsOf = (input: unknown): Record<string, string> => {
  try {
    parseForm(RoomForm, input);
    return {};
  } catch (err) {
    assert.ok(err instanceof FieldErrors);
    return err.fields;
  }
};

test('RoomForm trims, lower-cases the address and coerces numbers, checkbox and equipment', () => {
  const room = parseForm(RoomForm, valid);
  assert.equal(room.name, 'Thames');
  assert.equal(room.email, 'thames@example.com');
  assert.equal(room.capacity, 12);
  assert.equal(room.active, false);
  assert.deepEqual(room.equipment, ['projector']);
  assert.equal(parseForm(RoomForm, { ...valid, active: 'on' }).active, true);
});

test('RoomForm names each wrong field with a sentence', () => {
  assert.deepEqual(fieldsOf({ ...valid, name: '', capacity: '2.5', timeZone: 'UTC+1', opensAt: '7am', email: 'nope' }), {
    name: 'Name is required.',
    capacity: 'Capacity must be a whole number.',
    timeZone: 'Time zone must be an IANA zone such as Europe/London.',
    opensAt: 'Opening time must be a time such as 07:30.',
    email: 'Mailbox address must be an e-mail address such as room@example.com.',
  });
});

test('RoomForm rejects closing at or before opening, at the boundary too', () => {
  assert.deepEqual(fieldsOf({ ...valid, closesAt: '07:00' }), { closesAt: 'Closing time must be after the opening time.' });
  assert.deepEqual(fieldsOf({ ...valid, opensAt: '07:00', closesAt: '07:01' }), {});
});

test('RoomForm refuses control characters such as a newline in the name', () => {
  assert.deepEqual(fieldsOf({ ...valid, name: 'Thames\r\nBcc: evil@example.com' }), { name: 'Name must be a single line.' });
  assert.equal(Object.keys(fieldsOf({ ...valid, name: 'Thames\u0007' })).join(), 'name');
});

test('RoomForm accepts zones by IANA name only, including DST-observing ones', () => {
  assert.deepEqual(fieldsOf({ ...valid, timeZone: 'America/New_York' }), {});
  assert.ok(fieldsOf({ ...valid, timeZone: 'EST' }).timeZone);
  assert.ok(fieldsOf({ ...valid, timeZone: 'Europe/Atlantis' }).timeZone);
});

test('DirectoryQuery treats empty filters as no filter', () => {
  assert.deepEqual(parseForm(DirectoryQuery, { building: '', capacity: '' }), { building: undefined, capacity: undefined, equipment: [] });
  assert.deepEqual(parseForm(DirectoryQuery, { capacity: '6', equipment: ['video', 'phone'] }).equipment, ['video', 'phone']);
});
