import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import type { Room } from '../rooms/service.ts';
import { rankReplacements, refusalOf } from './replacement.ts';
import { answersReadText } from './replacement-routes.ts';
import { ROOM_MAILBOX_UNKNOWN } from '../sync/words.ts';

let id = 0;
const room = (name: string, spec: Partial<Room> = {}): Room => ({
  id: ++id,
  name,
  alias: name.toLowerCase(),
  email: `${name.toLowerCase()}@example.com`,
  capacity: 8,
  building: 'Harbour House',
  floor: '1',
  timeZone: 'Europe/London',
  opensAt: '07:00',
  closesAt: '20:00',
  maxDurationMinutes: 240,
  horizonDays: 180,
  active: true,
  equipment: ['projector'],
  createdAt: '',
  updatedAt: '',
  ...spec,
});
const names = (rooms: Room[]) => rooms.map((r) => r.name);

test('same building first (same floor before other floors), then the closest fit, then by name; at most three', () => {
  const dee = room('Dee', { capacity: 8 });
  const free = [
    room('Thames', { building: 'Dock House', capacity: 8 }),
    room('Cam', { floor: '3', capacity: 16 }),
    room('Severn', { floor: '2', capacity: 8 }),
    room('Mersey', { capacity: 10 }),
    room('Avon', { capacity: 10 }),
  ];
  assert.deepEqual(names(rankReplacements(dee, free)), ['Avon', 'Mersey', 'Severn']);
  assert.deepEqual(names(rankReplacements(dee, free, 5)), ['Avon', 'Mersey', 'Severn', 'Cam', 'Thames']);
});

test('building names compare without case', () => {
  const dee = room('Dee');
  assert.deepEqual(names(rankReplacements(dee, [room('Thames', { building: 'Dock House' }), room('Ouse', { building: 'harbour house', floor: '2' })])), [
    'Ouse',
    'Thames',
  ]);
});

test('fewer seats, missing equipment, the refusing room itself, deactivated rooms and unknown mailboxes are never offered', () => {
  const dee = room('Dee', { capacity: 8, equipment: ['projector', 'video'] });
  const free = [
    dee,
    room('Wye', { capacity: 2, equipment: ['projector', 'video'] }),
    room('Tyne', { capacity: 20, equipment: ['projector'] }),
    room('Exe', { active: false, equipment: ['projector', 'video'] }),
    room('Ghost', { mailboxUnverified: 'unknown', equipment: ['projector', 'video'] }),
    room('Tees', { capacity: 8, equipment: ['video', 'whiteboard', 'projector'] }),
  ];
  assert.deepEqual(names(rankReplacements(dee, free)), ['Tees']);
  assert.deepEqual(rankReplacements(dee, []), []);
});

test('a booking needs a replacement when its room declined it or Exchange does not know the room’s mailbox', () => {
  assert.equal(refusalOf({ state: 'declined', roomResponse: 'declined', failedReason: null }), 'declined');
  assert.equal(refusalOf({ state: 'failed', roomResponse: 'none', failedReason: `Sending failed: ${ROOM_MAILBOX_UNKNOWN}` }), 'mailbox-unknown');
  assert.equal(refusalOf({ state: 'failed', roomResponse: 'none', failedReason: 'Sending failed: Exchange refused the meeting' }), null);
  assert.equal(refusalOf({ state: 'booked', roomResponse: 'accepted', failedReason: null }), null);
});

test('answersReadText says when the attendees’ answers were last read, in the booking’s zone, and how often', () => {
  const at = DateTime.fromISO('2026-12-01T10:42:05Z');
  assert.equal(answersReadText(at, 'Europe/Budapest', 60), 'last read at 11:42:05; read again every 60 s');
  assert.equal(answersReadText(at, 'UTC', 600), 'last read at 10:42:05; read again every 10 min');
  assert.equal(answersReadText(undefined, 'UTC', 0), 'not read yet');
});
