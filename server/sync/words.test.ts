import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthFailedError, ConflictError, ForbiddenError, NotFoundError, RejectedError } from '../exchange/errors.ts';
import { withoutWireFacts } from '../bookings/present.ts';
import { employeeReason } from './words.ts';

const facts = (method: string, path: string, status: number) => ({ method, path, status, durationMs: 12, requestId: '6850cd28' });
const wire = /PROPPATCH|PROPFIND|MOVE|\/exchange\/|6850cd28|→/;

test('a refusal by the room mailbox says so and what IT should do; an organizer mailbox is told apart', () => {
  const room = employeeReason(new ForbiddenError('no access', facts('PROPFIND', '/exchange/thames/Calendar/', 403)), 'thames');
  assert.equal(room, 'The room mailbox refused the meeting: ask IT to give the booking service access to the room’s mailbox.');
  const organizer = employeeReason(new ForbiddenError('no access', facts('PROPPATCH', '/exchange/bob/Calendar/rb-1.EML', 403)), 'thames');
  assert.match(organizer, /organizer’s calendar: ask IT to give the booking service delegate access/);
  assert.match(employeeReason(new NotFoundError('gone', facts('PROPFIND', '/exchange/Thames/', 404)), 'thames'), /does not know the room’s mailbox/);
});

test('no reason an employee reads carries the request’s method, path, status or id', () => {
  const errors = [
    new ForbiddenError('x', facts('PROPPATCH', '/exchange/bob/Calendar/rb-1.EML', 403)),
    new NotFoundError('x', facts('PROPFIND', '/exchange/bob/', 404)),
    new ConflictError('x', facts('PUT', '/exchange/bob/Calendar/rb-1.EML', 412)),
    new RejectedError('owa-error-page', facts('MOVE', '/exchange/bob/Drafts/rb-1.EML', 200)),
    new AuthFailedError('x', facts('PROPPATCH', '/exchange/bob/Calendar/rb-1.EML', 507)),
    new Error('bug'),
  ];
  for (const e of errors) assert.doesNotMatch(employeeReason(e, 'thames'), wire, e.message);
});

test('reasons stored before the wording lose their request facts on the booking page', () => {
  const old = 'Sending failed: Exchange refused the request: insufficient storage (PROPPATCH /exchange/bob/Calendar/rb-1.EML → 507, 40 ms, request 6850cd28)';
  assert.equal(withoutWireFacts(old), 'Sending failed: Exchange refused the request: insufficient storage');
});
