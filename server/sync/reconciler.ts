import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { ExchangeError, NotFoundError } from '../exchange/errors.ts';
import { failForUnknownMailbox } from '../bookings/replacement.ts';
import type { CalendarItem } from '../exchange/gateway.ts';
import {
  applyAnswers,
  bookingsOfRoomInWindow,
  getBooking,
  markCancelledInExchange,
  recordRoomHolds,
  replaceExternalMeetings,
  sentBookingsInWindow,
  type Booking,
} from '../bookings/service.ts';
import { RECONCILED_STATES } from '../bookings/states.ts';
import { ownSeriesUids, recordDateDeclinedByRoom, seriesKeys } from '../bookings/series-service.ts';
import { listAllRooms, type Room } from '../rooms/service.ts';
import { takeReconcilerLead } from './leader.repo.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway' | 'config'>;
type Window = { start: DateTime; end: DateTime };

/** A submitted meeting's time to reach the room before its absence from the room's calendar means anything. */
export const DEFAULT_RECONCILE_GRACE_MS = 2 * 60_000;

export interface ReconcileOptions {
  /** A meeting submitted less than this long ago may not have reached the room yet: no verdict on it. */
  graceMs: number;
  /** Told, inside the pass, of bookings whose room refused them in it (declined, or no such mailbox): replacement rooms. */
  onRoomDeclined?: (bookingIds: number[]) => Promise<void>;
  /** Told when a full pass ends, with its duration (the app's metrics). */
  onPass?: (summary: ReconcileSummary, durationMs: number) => void;
}

export interface ReconcileSummary {
  at: string;
  rooms: number;
  failedRooms: string[];
  external: number;
  accepted: number;
  declined: number;
  cancelled: number;
  answers: number;
  /** States a booking could not take (bookings.changeState refused them); shown on the admin page. */
  problems: string[];
}

/**
 * Reads Exchange and brings local state in line (DESIGN promise 3): each room's calendar tells which meetings the
 * room holds (accepted) and which were booked in Outlook (external bookings); the organizers' Inboxes hold the
 * answers of attendees and rooms (a room's decline marks the booking declined); a sent booking whose organizer item
 * is gone was cancelled in Outlook.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<ReconcileSummary> | undefined;
  /** The last pass queued (room checks and full passes never overlap). */
  private tail: Promise<void> = Promise.resolve();
  private soonTimer: NodeJS.Timeout | undefined;
  private readonly soonRooms = new Set<number>();
  last: ReconcileSummary | null = null;
  /** When each room's calendar was last read successfully (the booking page says how fresh the room's state is). */
  private readonly checkedAt = new Map<number, DateTime>();
  /** When each organizer mailbox's answers were last read successfully (the booking page says when). */
  private readonly answersAt = new Map<string, DateTime>();

  constructor(
    private readonly ctx: Ctx,
    private readonly options: ReconcileOptions = { graceMs: DEFAULT_RECONCILE_GRACE_MS },
  ) {}

  start(): void {
    const seconds = this.ctx.config.reconcileIntervalSeconds;
    if (seconds <= 0) return;
    const tick = () => {
      // With several instances on one PostgreSQL only the lead reconciles (leader.repo.ts); on SQLite this one always leads.
      (takeReconcilerLead(this.ctx.db) ? this.runNow() : Promise.resolve())
        .catch((err: unknown) => this.ctx.log.error({ err, event: 'reconcile.failed' }, 'reconcile run failed'))
        .finally(() => {
          this.timer = setTimeout(tick, seconds * 1000);
          this.timer.unref();
        });
    };
    this.timer = setTimeout(tick, 2_000);
    this.timer.unref();
  }

  /** Whether this instance holds (or now takes) the lead: other leader-only jobs (report summaries) follow it. */
  leads(): boolean {
    return takeReconcilerLead(this.ctx.db);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.timer = undefined;
    this.soonTimer = undefined;
    this.soonRooms.clear();
    await this.tail;
  }

  /**
   * Runs passes one after another: a room check and a full pass read the same rows and write the same bookings, so
   * two at once would judge stale rows and record the same change twice (duplicate audit rows).
   */
  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.tail.then(run);
    this.tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** When the room's calendar was last read (by a full pass or a room check); undefined if not since start. */
  roomCheckedAt(roomId: number): DateTime | undefined {
    return this.checkedAt.get(roomId);
  }

  /** When the attendees' answers in this organizer mailbox were last read; undefined if not since start. */
  answersReadAt(mailbox: string): DateTime | undefined {
    return this.answersAt.get(mailbox.toLowerCase());
  }

  /** One pass over every active room; concurrent callers share the pass in progress. */
  runNow(): Promise<ReconcileSummary> {
    this.current ??= this.exclusive(() => this.pass(null)).finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /**
   * Reads one room's calendar and its bookings' answers shortly (a meeting was just submitted to it), so the room's
   * answer shows within seconds instead of at the next full pass. Requests within a second are batched.
   */
  checkRoomSoon(roomId: number, delayMs = 1_000): void {
    this.soonRooms.add(roomId);
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      const rooms = new Set(this.soonRooms);
      this.soonRooms.clear();
      this.exclusive(() => this.pass(rooms)).catch((err: unknown) => this.ctx.log.warn({ err, event: 'reconcile.room_check_failed' }, 'room check failed'));
    }, delayMs);
    this.soonTimer.unref();
  }

  private async pass(only: Set<number> | null): Promise<ReconcileSummary> {
    const started = performance.now();
    const now = this.ctx.clock.now();
    const window = { start: now.minus({ days: 1 }).startOf('day'), end: now.plus({ days: this.ctx.config.reconcileDays }).endOf('day') };
    const summary: ReconcileSummary = {
      at: toDbTime(now),
      rooms: 0,
      failedRooms: [],
      external: 0,
      accepted: 0,
      declined: 0,
      cancelled: 0,
      answers: 0,
      problems: [],
    };
    const rooms = listAllRooms(this.ctx).filter((r) => r.active && (!only || only.has(r.id)));
    const missing: Booking[] = [];
    const refused: number[] = [];
    for (const room of rooms) {
      try {
        const items = await this.ctx.gateway.listCalendar(room.alias, window);
        missing.push(...this.reconcileRoomCalendar(room, items, window, now, summary));
        this.checkedAt.set(room.id, this.ctx.clock.now());
        summary.rooms++;
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        // CASE: Exchange does not know the room's mailbox: its bookings fail and are offered other rooms (issue 12).
        // A 404 alone could be a front end's; the GAL lookup (checkMailbox) must say "unknown" too.
        if (err instanceof NotFoundError && (await this.ctx.gateway.checkMailbox(room.alias).catch(() => 'unreachable')) === 'unknown') {
          refused.push(...failForUnknownMailbox(this.ctx, room.id, window));
        }
        summary.failedRooms.push(room.alias);
        this.ctx.log.warn({ event: 'reconcile.room_failed', room: room.alias, error: err.message }, 'could not read room calendar');
      }
    }
    await this.reconcileAnswers(rooms, window, summary, refused);
    await this.detectCancelledInOutlook(missing, window, summary);
    if (refused.length) await this.options.onRoomDeclined?.(refused);
    if (!only) {
      this.last = summary;
      this.options.onPass?.(summary, performance.now() - started);
    }
    this.ctx.log.info({ event: 'reconcile.done', ...summary, failedRooms: summary.failedRooms.length }, 'reconciled with Exchange');
    return summary;
  }

  /** Marks what the room holds, records Outlook meetings, and returns sent bookings the room does not hold. */
  private reconcileRoomCalendar(room: Room, items: CalendarItem[], window: Window, now: DateTime, summary: ReconcileSummary): Booking[] {
    const live = items.filter((i) => !i.cancelled && i.busyStatus !== 'free');
    const inRoom = new Map(live.map((i) => [i.uid, i]));
    const ours = bookingsOfRoomInWindow(this.ctx, room.id, window.start, window.end);
    const ourUids = new Set(ours.map((b) => b.uid));
    // Series dates (issue 14) are keyed by the series UID plus the date's start: the room lists each occurrence it holds.
    const dates = seriesKeys(this.ctx, ours);
    for (const uid of ownSeriesUids(
      this.ctx,
      live.map((i) => i.uid),
    ))
      ourUids.add(uid);
    const occurrence = new Map(live.filter((i) => i.instanceType === 2 || i.instanceType === 3).map((i) => [`${i.uid}|${i.start.toMillis()}`, i]));
    const itemOf = (b: Booking) => {
      const key = dates.get(b.id);
      return key ? occurrence.get(`${key.uid}|${key.start}`) : inRoom.get(b.uid);
    };
    const settled = (b: Booking) =>
      b.state === 'booked' && b.exchangeMailbox && b.submittedAt && now.diff(DateTime.fromISO(b.submittedAt)).toMillis() >= this.options.graceMs;
    this.ctx.db
      .transaction(() => {
        for (const b of ours) {
          const item = itemOf(b);
          if (!item || !RECONCILED_STATES.includes(b.state)) continue;
          if (recordRoomHolds(this.ctx, b, item.responseStatus === 'tentative' ? 'tentative' : 'accepted', summary.problems)) summary.accepted++;
        }
        const external = live
          .filter((i) => !ourUids.has(i.uid))
          .map((i) => ({ uid: i.uid || i.path, subject: i.subject, organizer: i.organizer, start: i.start, end: i.end }));
        replaceExternalMeetings(this.ctx, room.id, window, external);
        summary.external += external.length;
      })
      .immediate();
    // A series date the room does not hold once the series reached it is decided with the organizer's calendar
    // (detectCancelledInOutlook): deleted there too = cancelled in Outlook, else the room declined that date only.
    return ours.filter((b) => settled(b) && (dates.has(b.id) ? !itemOf(b) : !inRoom.has(b.uid)));
  }

  /** One SEARCH per organizer mailbox for the answers in its Inbox (for a single booking, narrowed to its UID). */
  private async reconcileAnswers(rooms: Room[], window: Window, summary: ReconcileSummary, declined: number[]): Promise<void> {
    const roomById = new Map(rooms.map((r) => [r.id, r]));
    const sent = sentBookingsInWindow(this.ctx, [...roomById.keys()], window.start, window.end).filter((b) => RECONCILED_STATES.includes(b.state));
    const byMailbox = new Map<string, Booking[]>();
    for (const b of sent) byMailbox.set(b.exchangeMailbox!, [...(byMailbox.get(b.exchangeMailbox!) ?? []), b]);
    for (const [mailbox, bookings] of byMailbox) {
      // A series date's answers come under the series UID: those to the whole series, and those to its date alone.
      const dates = seriesKeys(this.ctx, bookings);
      const exchangeUid = (b: Booking) => dates.get(b.id)?.uid ?? b.uid;
      const forDate = (b: Booking, list: Awaited<ReturnType<Ctx['gateway']['listResponses']>>) =>
        dates.has(b.id) ? list.filter((a) => !a.recurrenceId || a.recurrenceId.toMillis() === Date.parse(b.recurrenceId ?? '')) : list;
      try {
        const answers = await this.ctx.gateway.listResponses(mailbox, bookings.length === 1 ? exchangeUid(bookings[0]!) : undefined);
        this.ctx.db
          .transaction(() => {
            const byUid = new Map<string, typeof answers>();
            for (const a of answers) byUid.set(a.uid, [...(byUid.get(a.uid) ?? []), a]);
            for (const b of bookings) {
              const all = byUid.get(exchangeUid(b));
              const mine = all && forDate(b, all);
              if (!mine?.length) continue;
              const result = applyAnswers(this.ctx, b, roomById.get(b.roomId)!.email, mine, summary.problems);
              summary.answers += result.updated;
              if (result.roomDeclined) {
                summary.declined++;
                declined.push(b.id);
              }
            }
          })
          .immediate();
        this.answersAt.set(mailbox.toLowerCase(), this.ctx.clock.now());
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        this.ctx.log.warn({ event: 'reconcile.answers_failed', mailbox, error: err.message }, 'could not read answers');
      }
    }
  }

  /**
   * A sent booking missing from the room calendar whose organizer item is gone too was cancelled in Outlook. For a
   * series date (issue 14) the organizer's calendar is read as its occurrences: the date gone there too (an EXDATE
   * from deleting that occurrence, or the whole series deleted) = cancelled in Outlook; the organizer still holding
   * it = the room declined that date only.
   */
  private async detectCancelledInOutlook(missing: Booking[], window: Window, summary: ReconcileSummary): Promise<void> {
    const calendars = new Map<string, Promise<CalendarItem[]>>();
    const dates = seriesKeys(this.ctx, missing);
    for (const b of missing) {
      const mailbox = b.exchangeMailbox!;
      if (!calendars.has(mailbox)) calendars.set(mailbox, this.ctx.gateway.listCalendar(mailbox, window));
      try {
        const own = await calendars.get(mailbox)!;
        const date = dates.get(b.id);
        if (date) {
          const held = own.some((i) => i.uid === date.uid && i.start.toMillis() === date.start && !i.cancelled);
          const change = this.ctx.db
            .transaction(() => {
              const fresh = getBooking(this.ctx, b.id);
              // CASE: the date changed while Exchange was read (the user cancelled or moved it): no verdict this pass.
              if (!fresh || fresh.updatedAt !== b.updatedAt) return null;
              return held ? recordDateDeclinedByRoom(this.ctx, b) : markCancelledInExchange(this.ctx, b);
            })
            .immediate();
          if (!change) continue;
          if (!change.ok) summary.problems.push(change.problem);
          else if (held) summary.declined++;
          else summary.cancelled++;
          continue;
        }
        if (own.some((i) => i.uid === b.uid && !i.cancelled)) continue;
        const change = markCancelledInExchange(this.ctx, b);
        if (change.ok) summary.cancelled++;
        else summary.problems.push(change.problem);
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        this.ctx.log.warn({ event: 'reconcile.organizer_failed', mailbox, error: err.message }, 'could not read organizer calendar');
      }
    }
  }
}
