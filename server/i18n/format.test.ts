// Issue 17's remaining gaps, unit level: zone names, numbers and percents through Intl in both languages, the
// deleted organizer's words, the meeting body's "Booked with Roombook" line and the gateway's field problems.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { runInLocale } from './context.ts';
import { formatDecimal, formatPercent, zoneLabel } from './format.ts';
import { bookedWithLine } from './meeting-body.ts';
import { shownOrganizer } from '../schedule/present.ts';
import { GATEWAY_PROBLEMS } from './gateway-words.ts';
import { readStored } from './stored.ts';
import { InvalidMeetingError } from '../exchange/errors.ts';
import type { Meeting } from '../exchange/gateway.ts';
import { validateMeeting } from '../exchange/meeting-props.ts';
import { makeMeeting } from '../exchange/fixtures/meetings.ts';
import { employeeReasonRef } from '../sync/words.ts';

describe('zone names', () => {
  const winter = DateTime.fromISO('2026-12-03T12:00:00Z');
  test('a zone reads as its generic name in the reader language; forms keep the id', () => {
    assert.equal(zoneLabel('Europe/London', winter, 'en'), 'United Kingdom Time');
    assert.equal(zoneLabel('Europe/London', winter, 'hu'), 'Egyesült Királyság idő');
    assert.equal(zoneLabel('Europe/Budapest', winter, 'en'), 'Central European Time');
    assert.equal(zoneLabel('Europe/Budapest', winter, 'hu'), 'közép-európai idő');
    assert.equal(zoneLabel('America/New_York', winter, 'en'), 'Eastern Time');
  });
  test('UTC has no generic name: its long name; an unknown zone stays its id', () => {
    assert.equal(zoneLabel('UTC', winter, 'en'), 'Coordinated Universal Time');
    assert.equal(zoneLabel('UTC', winter, 'hu'), 'koordinált világidő');
    assert.equal(zoneLabel('Mars/Olympus', winter, 'hu'), 'Mars/Olympus');
  });
  test('the request language is the default', () => {
    assert.equal(
      runInLocale('hu', () => zoneLabel('Europe/Budapest')),
      'közép-európai idő',
    );
  });
});

describe('numbers and percents through Intl', () => {
  test('English keeps a decimal point and "8.1 %"; Hungarian a decimal comma and "8,1%"', () => {
    assert.equal(formatPercent(8.1, 'en'), '8.1 %');
    assert.equal(formatPercent(8.1, 'hu'), '8,1%');
    assert.equal(formatPercent(100, 'hu'), '100%');
    assert.equal(formatPercent(0.4, 'hu'), '0,4%');
    assert.equal(formatPercent(14.25, 'hu'), '14,3%');
    assert.equal(formatDecimal(44, 1, 'en'), '44.0');
    assert.equal(formatDecimal(44, 1, 'hu'), '44,0');
    assert.equal(formatDecimal(5460, 1, 'en'), '5,460.0');
    // CLDR Hungarian groups thousands only from five digits on, with a (no-break) space.
    assert.equal(formatDecimal(5460, 1, 'hu'), '5460,0');
    assert.equal(formatDecimal(15460, 1, 'hu').replace(/\s/g, ' '), '15 460,0');
  });
});

describe('words the app writes for others', () => {
  test('a booking whose organizer account is gone: "Unknown organizer" in the reader language', () => {
    assert.equal(
      runInLocale('hu', () => shownOrganizer({ kind: 'booking', organizerName: '' })),
      'Ismeretlen szervező',
    );
    assert.equal(
      runInLocale('en', () => shownOrganizer({ kind: 'booking', organizerName: '' })),
      'Unknown organizer',
    );
    assert.equal(shownOrganizer({ kind: 'booking', organizerName: 'Bob Baker' }), 'Bob Baker');
    // An Outlook meeting without an organizer stays without one (the pages say "Booked in Outlook").
    assert.equal(shownOrganizer({ kind: 'external', organizerName: '' }), '');
  });

  test('the body line is in the organizer language, once, after the typed text', () => {
    assert.equal(bookedWithLine('Agenda', 'hu'), 'Agenda\n\nRoombookkal foglalva');
    assert.equal(bookedWithLine('', 'en'), 'Booked with Roombook');
    assert.equal(bookedWithLine('Agenda\n\nBooked with Roombook', 'en'), 'Agenda\n\nBooked with Roombook');
    // No saved choice: the organisation's (DEFAULT_LOCALE), not the language of the request that books.
    assert.equal(
      runInLocale('en', () => bookedWithLine('x', null), 'hu'),
      'x\n\nRoombookkal foglalva',
    );
    assert.equal(
      runInLocale('hu', () => bookedWithLine('x', null), 'en'),
      'x\n\nBooked with Roombook',
    );
  });
});

describe("the gateway's field problems, as an employee reads them", () => {
  const problemsOf = (meeting: Meeting): Record<string, string> => {
    try {
      validateMeeting(meeting);
    } catch (err) {
      if (err instanceof InvalidMeetingError) return err.fields;
      throw err;
    }
    return assert.fail('the meeting was valid');
  };

  test('every message the gateway writes has catalog words (a changed gateway text fails here)', () => {
    const fields = {
      ...problemsOf(makeMeeting({ subject: 'two\nlines', location: 'a\u0007b', timeZone: 'Mars/Olympus', uid: 'has space' })),
      ...problemsOf(makeMeeting({ requiredAttendees: [{ email: 'bob' }], end: DateTime.fromISO('2026-03-30T08:00', { zone: 'Europe/London' }) })),
      ...problemsOf(makeMeeting({ language: 'not a tag!', start: DateTime.invalid('test') })),
    };
    for (const [path, message] of Object.entries(fields)) assert.ok(GATEWAY_PROBLEMS[message], `${path}: "${message}" has no catalog key`);
    assert.ok(Object.values(fields).length >= 7, JSON.stringify(fields));
  });

  test('the booking page reason names the field and the problem in the reader language', () => {
    const fields = problemsOf(makeMeeting({ subject: 'two\nlines', requiredAttendees: [{ email: 'bob' }] }));
    const reason = employeeReasonRef(new InvalidMeetingError(fields));
    assert.equal(
      readStored(reason, 'hu'),
      'Az értekezlet ebben a formában nem küldhető el: Tárgy: csak egy sor lehet. Kötelező résztvevők: e-mail-címnek kell lennie.',
    );
    assert.equal(
      readStored(reason, 'en'),
      'The meeting cannot be sent as it is: Subject: must be a single line. Required attendees: must be an e-mail address.',
    );
  });
});
