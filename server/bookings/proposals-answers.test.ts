// What the reconciler's answers do to proposals (exchange-state.ts applyAnswers → proposals.ts): the latest answer
// per attendee decides; a plain newer answer clears a proposal; a move of the booking makes an older one stale.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { aBooking, aRoom, aUser } from '../test/repo-fixtures.ts';
import { applyAnswers, type Answer } from './exchange-state.ts';
import { findBooking, resetAttendeeResponses } from './repo.ts';
import { standingProposals } from './proposals.ts';
import { dismissProposal as dismissProposalRow } from './proposals.repo.ts';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

test('answers with and without a proposal: recorded once, replaced by newer, cleared by a plain answer, stale after a move', () => {
  const db = openDatabase(':memory:');
  migrate(db);
  const ctx = { db, clock: { now: () => utc('2026-12-01T08:00:00.000Z') }, log: pino({ level: 'silent' }) };
  const room = aRoom(db);
  const id = aBooking(db, room.id, aUser(db).id, {}, [{ email: 'bob@example.test', name: 'Bob', role: 'required' }]);
  const booking = () => findBooking(db, id)!;
  const standing = () => standingProposals(ctx, [booking()]).map((p) => `${p.proposal.email} ${p.proposal.startsAt}`);
  const bob = (receivedAt: string, response: Answer['response'], proposal?: [string, string]): Answer => ({
    email: 'Bob@Example.test',
    response,
    receivedAt: utc(receivedAt),
    ...(proposal ? { proposal: { start: utc(proposal[0]), end: utc(proposal[1]) } } : {}),
  });
  const FOURTEEN: [string, string] = ['2026-12-02T14:00:00.000Z', '2026-12-02T15:00:00.000Z'];

  assert.equal(applyAnswers(ctx, booking(), room.email, [bob('2026-12-01T09:00:00.000Z', 'tentative', FOURTEEN)]).updated, 2, 'answer + proposal');
  assert.deepEqual(standing(), ['bob@example.test 2026-12-02T14:00:00.000Z']);
  assert.equal(applyAnswers(ctx, booking(), room.email, [bob('2026-12-01T09:00:00.000Z', 'tentative', FOURTEEN)]).updated, 0, 'read again');

  // Only the latest answer of a person counts: an older plain acceptance read along with it changes nothing.
  const both = [bob('2026-12-01T08:30:00.000Z', 'accepted'), bob('2026-12-01T09:00:00.000Z', 'tentative', FOURTEEN)];
  assert.equal(applyAnswers(ctx, booking(), room.email, both).updated, 0);
  assert.equal(standing().length, 1);

  // A newer plain answer: the proposal no longer stands.
  applyAnswers(ctx, booking(), room.email, [...both, bob('2026-12-01T09:10:00.000Z', 'accepted')]);
  assert.deepEqual(standing(), []);

  // He proposes again; the organizer moves the booking (answers reset at 09:30): the older proposal is stale.
  applyAnswers(ctx, booking(), room.email, [bob('2026-12-01T09:20:00.000Z', 'declined', FOURTEEN)]);
  assert.equal(standing().length, 1);
  resetAttendeeResponses(db, id, '2026-12-01T09:30:00.000Z');
  assert.deepEqual(standing(), []);
  applyAnswers(ctx, booking(), room.email, [bob('2026-12-01T09:20:00.000Z', 'declined', FOURTEEN)]);
  assert.deepEqual(standing(), [], 'a later pass reading the same Inbox does not bring it back');

  // A proposal of the booking's own time, or of a time already past, asks nothing of the organizer.
  applyAnswers(ctx, booking(), room.email, [bob('2026-12-01T09:40:00.000Z', 'tentative', ['2026-12-02T09:00:00.000Z', '2026-12-02T10:00:00.000Z'])]);
  assert.deepEqual(standing(), []);
  applyAnswers(ctx, booking(), room.email, [bob('2026-12-01T09:50:00.000Z', 'tentative', ['2026-11-30T09:00:00.000Z', '2026-11-30T10:00:00.000Z'])]);
  assert.deepEqual(standing(), []);
  // The room's own answers never make proposals.
  applyAnswers(ctx, booking(), room.email, [{ ...bob('2026-12-01T10:00:00.000Z', 'tentative', FOURTEEN), email: room.email }]);
  assert.deepEqual(standing(), []);
  db.close();
});

test('an answer Exchange gave no received time: the same proposal read on every pass keeps its dismissal', () => {
  const db = openDatabase(':memory:');
  migrate(db);
  let now = utc('2026-12-01T08:00:00.000Z');
  const ctx = { db, clock: { now: () => now }, log: pino({ level: 'silent' }) };
  const room = aRoom(db);
  const id = aBooking(db, room.id, aUser(db).id, {}, [{ email: 'bob@example.test', name: 'Bob', role: 'required' }]);
  const undated = (start: string): Answer => ({
    email: 'bob@example.test',
    response: 'tentative',
    receivedAt: null,
    proposal: { start: utc(start), end: utc(start).plus({ hours: 1 }) },
  });
  applyAnswers(ctx, findBooking(db, id)!, room.email, [undated('2026-12-02T14:00:00.000Z')]);
  assert.equal(standingProposals(ctx, [findBooking(db, id)!]).length, 1);
  dismissProposalRow(db, id, 'bob@example.test', '2026-12-01T08:01:00.000Z');
  now = utc('2026-12-01T08:05:00.000Z');
  assert.equal(applyAnswers(ctx, findBooking(db, id)!, room.email, [undated('2026-12-02T14:00:00.000Z')]).updated, 0);
  assert.equal(standingProposals(ctx, [findBooking(db, id)!]).length, 0, 'still dismissed');
  applyAnswers(ctx, findBooking(db, id)!, room.email, [undated('2026-12-02T16:00:00.000Z')]);
  assert.equal(standingProposals(ctx, [findBooking(db, id)!])[0]?.proposal.startsAt, '2026-12-02T16:00:00.000Z', 'another time is a new one');
  db.close();
});
