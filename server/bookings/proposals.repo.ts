import type { Db } from '../db/connection.ts';
import { bookingsSql } from './sql-dialect.ts';

/**
 * SQL of attendees' counter-proposals (migration booking-proposals, issue 16): the latest new time each attendee
 * proposed for a booking. Emails are stored lower-cased (the column ignores case on both engines anyway).
 */

export interface ProposalRecord {
  bookingId: number;
  email: string;
  /** The attendee's name as the booking lists them, if any. */
  name: string | null;
  startsAt: string;
  endsAt: string;
  receivedAt: string;
  dismissedAt: string | null;
}

interface Row {
  booking_id: number;
  email: string;
  name: string | null;
  starts_at: string;
  ends_at: string;
  received_at: string;
  dismissed_at: string | null;
}

const toRecord = (r: Row): ProposalRecord => ({
  bookingId: Number(r.booking_id),
  email: r.email,
  name: r.name,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  receivedAt: r.received_at,
  dismissedAt: r.dismissed_at,
});

/**
 * Records a proposal unless one received at the same time or later is recorded (every reconciler pass reads the
 * same Inbox again: an unchanged proposal keeps its dismissal). A newer one replaces it and shows again.
 */
export function upsertProposal(db: Db, p: Pick<ProposalRecord, 'bookingId' | 'email' | 'startsAt' | 'endsAt' | 'receivedAt'>): boolean {
  return (
    db
      .prepare(
        `INSERT INTO booking_proposals (booking_id, email, starts_at, ends_at, received_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (booking_id, email) DO UPDATE SET starts_at = excluded.starts_at, ends_at = excluded.ends_at,
           received_at = excluded.received_at, dismissed_at = NULL
         WHERE booking_proposals.received_at < excluded.received_at`,
      )
      .run(p.bookingId, p.email.toLowerCase(), p.startsAt, p.endsAt, p.receivedAt).changes > 0
  );
}

/** A newer answer without a proposal: the proposal (received at or before `answeredAt`) no longer stands. */
export function clearProposal(db: Db, bookingId: number, email: string, answeredAt: string): boolean {
  return (
    db.prepare('DELETE FROM booking_proposals WHERE booking_id = ? AND email = ? AND received_at <= ?').run(bookingId, email.toLowerCase(), answeredAt)
      .changes > 0
  );
}

export function dismissProposal(db: Db, bookingId: number, email: string, at: string): boolean {
  return (
    db
      .prepare('UPDATE booking_proposals SET dismissed_at = ? WHERE booking_id = ? AND email = ? AND dismissed_at IS NULL')
      .run(at, bookingId, email.toLowerCase()).changes > 0
  );
}

/**
 * The proposals of these bookings that still stand: not dismissed, the attendee still invited, and received no
 * earlier than the attendee's recorded answer time. A move of the booking resets that time to the move's
 * (repo.resetAttendeeResponses), so a proposal for the time before the move is stale and left out.
 */
export function listStandingProposals(db: Db, bookingIds: number[]): ProposalRecord[] {
  if (!bookingIds.length) return [];
  return db
    .prepare<[string], Row>(
      `SELECT p.booking_id, p.email, a.name, p.starts_at, p.ends_at, p.received_at, p.dismissed_at
         FROM booking_proposals p JOIN booking_attendees a ON a.booking_id = p.booking_id AND a.email = p.email
        WHERE p.booking_id IN ${bookingsSql(db).ids('?')} AND p.dismissed_at IS NULL
          AND (a.responded_at IS NULL OR p.received_at >= a.responded_at)
        ORDER BY p.received_at, p.booking_id, p.email`,
    )
    .all(JSON.stringify(bookingIds))
    .map(toRecord);
}

/** One proposal as stored (dismissed or stale too), for the routes acting on it. */
export function findProposal(db: Db, bookingId: number, email: string): ProposalRecord | undefined {
  const row = db
    .prepare<[number, string], Row>(
      `SELECT p.booking_id, p.email, a.name, p.starts_at, p.ends_at, p.received_at, p.dismissed_at
         FROM booking_proposals p LEFT JOIN booking_attendees a ON a.booking_id = p.booking_id AND a.email = p.email
        WHERE p.booking_id = ? AND p.email = ?`,
    )
    .get(bookingId, email.toLowerCase());
  return row ? toRecord(row) : undefined;
}
