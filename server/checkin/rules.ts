// Check-in rules, pure: no database, no clock, no Exchange. Times are epoch milliseconds (instants), so a window is
// the same length in absolute time on a DST day; only the words ("by 10:10") are in the room's zone.
import { DateTime } from 'luxon';

export const RELEASE_ACTIONS = ['release-room', 'cancel-meeting'] as const;
export type ReleaseAction = (typeof RELEASE_ACTIONS)[number];

export interface CheckinSettings {
  required: boolean;
  /** The window opens this many minutes before the start… */
  opensBeforeMin: number;
  /** …and closes this many minutes after it. */
  closesAfterMin: number;
  releaseAction: ReleaseAction;
}

/** A partial choice: a building default has every field, a room may leave any to its building. */
export type SettingsChoice = { [K in keyof CheckinSettings]?: CheckinSettings[K] | null | undefined };

/** The app's default when neither the room nor its building chose: check-in off, 5 before to 10 after, room only. */
export const APP_DEFAULT: CheckinSettings = { required: false, opensBeforeMin: 5, closesAfterMin: 10, releaseAction: 'release-room' };

/** Room first, then the building, then the app's default, field by field. */
export function resolveSettings(room: SettingsChoice | undefined, building: SettingsChoice | undefined): CheckinSettings {
  const pick = <K extends keyof CheckinSettings>(k: K): CheckinSettings[K] => (room?.[k] ?? building?.[k] ?? APP_DEFAULT[k]) as CheckinSettings[K];
  return { required: pick('required'), opensBeforeMin: pick('opensBeforeMin'), closesAfterMin: pick('closesAfterMin'), releaseAction: pick('releaseAction') };
}

export interface CheckinWindow {
  opens: number;
  closes: number;
}

/** The window around a start instant, in absolute minutes (a DST change inside it does not stretch or shrink it). */
export function checkinWindow(startMs: number, s: Pick<CheckinSettings, 'opensBeforeMin' | 'closesAfterMin'>): CheckinWindow {
  return { opens: startMs - s.opensBeforeMin * 60_000, closes: startMs + s.closesAfterMin * 60_000 };
}

export type WindowPhase = 'early' | 'open' | 'closed';

/** Half-open: at `closes` it is too late (the release runs then). */
export function windowPhase(nowMs: number, w: CheckinWindow): WindowPhase {
  if (nowMs < w.opens) return 'early';
  return nowMs < w.closes ? 'open' : 'closed';
}

/** "10:10" in the room's zone: the wall clock people in the room read. */
export function localClock(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');
}

/** The facts about one booking that decide its release. */
export interface BookingFacts {
  startMs: number;
  endMs: number;
  /** The booking still holds the room (pending, booked, updating). */
  active: boolean;
  checkedIn: boolean;
  exempt: boolean;
  released: boolean;
  organizerEmail: string;
  /** Everyone invited except the room; the organizer may be among them. */
  attendees: readonly { email: string; response: 'none' | 'accepted' | 'tentative' | 'declined' }[];
}

/**
 * Hardware-free release (as Google Calendar does): every attendee but the organizer declined. A meeting with nobody
 * else invited never counts: the organizer alone may well use the room.
 */
export function allButOrganizerDeclined(f: Pick<BookingFacts, 'organizerEmail' | 'attendees'>): boolean {
  const others = f.attendees.filter((a) => a.email.toLowerCase() !== f.organizerEmail.toLowerCase());
  return others.length > 0 && others.every((a) => a.response === 'declined');
}

export type ReleaseDecision = { release: false } | { release: true; reason: 'no-show' | 'all-declined'; note: string };

/**
 * Whether to release the room now. Only a booking that holds the room, needs a check-in, has none, and was not
 * released already; never after its end (nothing left to give back). All-declined releases at the start; a no-show
 * when the window closes.
 */
export function releaseDecision(nowMs: number, f: BookingFacts, s: CheckinSettings, zone: string): ReleaseDecision {
  if (!s.required || !f.active || f.checkedIn || f.exempt || f.released || nowMs >= f.endMs) return { release: false };
  const w = checkinWindow(f.startMs, s);
  if (nowMs >= w.closes) return { release: true, reason: 'no-show', note: `released: nobody checked in by ${localClock(w.closes, zone)}` };
  if (nowMs >= f.startMs && allButOrganizerDeclined(f)) {
    return { release: true, reason: 'all-declined', note: `released: every attendee declined and nobody checked in by ${localClock(f.startMs, zone)}` };
  }
  return { release: false };
}

/** Whether a check-in is possible now (the booking page, link, reception and door display all ask this). */
export type CheckinRefusal = 'not-required' | 'not-active' | 'already' | 'released' | 'early' | 'closed';

export function checkinRefusal(nowMs: number, f: BookingFacts, s: CheckinSettings): CheckinRefusal | null {
  if (f.released) return 'released';
  if (!f.active) return 'not-active';
  if (f.checkedIn) return 'already';
  const phase = windowPhase(nowMs, checkinWindow(f.startMs, s));
  // Reception may check in a room that does not require it (counts as used); the window still applies.
  if (phase === 'early') return 'early';
  if (phase === 'closed' || nowMs >= f.endMs) return 'closed';
  return null;
}

/** Catalog keys of the refusals (the words follow the reader's language: t(REFUSAL_WORDS[r])). */
export const REFUSAL_WORDS: Record<CheckinRefusal, string> = {
  'not-required': 'checkin.refusal.not_required',
  'not-active': 'checkin.refusal.not_active',
  already: 'checkin.refusal.already',
  released: 'checkin.refusal.released',
  early: 'checkin.refusal.early',
  closed: 'checkin.refusal.closed',
};
