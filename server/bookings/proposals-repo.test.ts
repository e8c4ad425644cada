// The counter-proposal repository (proposals.repo.ts) on SQLite and on PostgreSQL: the same functions and SQL.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aBooking, aRoom, aUser } from '../test/repo-fixtures.ts';
import { resetAttendeeResponses, setAttendeeResponse } from './repo.ts';
import { clearProposal, dismissProposal, findProposal, listStandingProposals, upsertProposal } from './proposals.repo.ts';

const T1 = '2026-12-01T09:00:00.000Z';
const T2 = '2026-12-01T09:30:00.000Z';
const T3 = '2026-12-01T10:00:00.000Z';
const FOURTEEN = '2026-12-03T14:00:00.000Z';
const FIFTEEN = '2026-12-03T15:00:00.000Z';

onBothEngines('proposals repository', (engine) => {
  beforeEach(() => engine().reset());

  function booking() {
    const { db } = engine();
    const room = aRoom(db);
    return aBooking(db, room.id, aUser(db).id, {}, [
      { email: 'bob@example.test', name: 'Bob', role: 'required' },
      { email: 'rita@example.test', name: null, role: 'optional' },
    ]);
  }
  const bob = (id: number, over: Partial<{ startsAt: string; endsAt: string; receivedAt: string }> = {}) => ({
    bookingId: id,
    email: 'Bob@Example.test',
    startsAt: FOURTEEN,
    endsAt: FIFTEEN,
    receivedAt: T1,
    ...over,
  });

  test('records the latest proposal per attendee; the same one read again changes nothing and keeps a dismissal', () => {
    const { db } = engine();
    const id = booking();
    assert.equal(upsertProposal(db, bob(id)), true);
    assert.equal(upsertProposal(db, bob(id)), false, 'read again on the next pass');
    assert.deepEqual(
      listStandingProposals(db, [id]).map((p) => [p.email, p.name, p.startsAt, p.endsAt]),
      [['bob@example.test', 'Bob', FOURTEEN, FIFTEEN]],
    );
    assert.equal(dismissProposal(db, id, 'bob@example.test', T2), true);
    assert.equal(dismissProposal(db, id, 'bob@example.test', T2), false, 'once');
    assert.equal(upsertProposal(db, bob(id)), false);
    assert.deepEqual(listStandingProposals(db, [id]), [], 'dismissed stays dismissed');
    assert.equal(findProposal(db, id, 'BOB@example.test')?.dismissedAt, T2);
    // A newer proposal replaces it and shows again; an older one does not come back.
    assert.equal(upsertProposal(db, bob(id, { startsAt: FIFTEEN, endsAt: '2026-12-03T16:00:00.000Z', receivedAt: T3 })), true);
    assert.equal(upsertProposal(db, bob(id, { receivedAt: T2 })), false);
    assert.deepEqual(
      listStandingProposals(db, [id]).map((p) => p.startsAt),
      [FIFTEEN],
    );
  });

  test('a newer answer without a proposal clears it; an older one does not', () => {
    const { db } = engine();
    const id = booking();
    upsertProposal(db, bob(id, { receivedAt: T2 }));
    assert.equal(clearProposal(db, id, 'bob@example.test', T1), false);
    assert.equal(listStandingProposals(db, [id]).length, 1);
    assert.equal(clearProposal(db, id, 'BOB@example.test', T3), true);
    assert.deepEqual(listStandingProposals(db, [id]), []);
    assert.equal(findProposal(db, id, 'bob@example.test'), undefined);
  });

  test('a proposal received before the booking moved is stale; one after the move stands', () => {
    const { db } = engine();
    const id = booking();
    const other = booking();
    setAttendeeResponse(db, id, 'bob@example.test', 'tentative', T1);
    upsertProposal(db, bob(id, { receivedAt: T1 }));
    upsertProposal(db, { ...bob(other), email: 'rita@example.test' });
    assert.equal(listStandingProposals(db, [id, other]).length, 2);
    resetAttendeeResponses(db, id, T2);
    assert.deepEqual(
      listStandingProposals(db, [id, other]).map((p) => [p.bookingId, p.email]),
      [[other, 'rita@example.test']],
    );
    upsertProposal(db, bob(id, { receivedAt: T3 }));
    assert.equal(listStandingProposals(db, [id]).length, 1);
    assert.deepEqual(listStandingProposals(db, []), []);
  });
});
