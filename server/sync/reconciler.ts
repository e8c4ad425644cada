import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import { ExchangeError } from '../exchange/errors.ts';
import type { CalendarItem } from '../exchange/gateway.ts';
import * as bookings from '../bookings/repo.ts';
import { listAllRooms, type Room } from '../rooms/service.ts';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log' | 'gateway' | 'config'>;

export interface ReconcileOptions {
  /** A meeting submitted less than this long ago may not have reached the room yet: no verdict on it. */
  graceMs: number;
}

export interface ReconcileSummary {
  at: string;
  rooms: number;
  failedRooms: string[];
  external: number;
  accepted: number;
  declined: number;
  cancelled: number;
}

const SYSTEM = { id: null, username: 'reconciler' };

/**
 * Reads each room's calendar from Exchange and brings local state in line (DESIGN promise 3): meetings booked in
 * Outlook become external bookings, a booking in the room calendar is accepted by the room, and a sent booking
 * missing from it was declined by the room — or cancelled in Outlook, when the organizer's own item is gone too.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<ReconcileSummary> | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private readonly soonRooms = new Set<number>();
  last: ReconcileSummary | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly options: ReconcileOptions = { graceMs: 2 * 60_000 },
  ) {}

  start(): void {
    const seconds = this.ctx.config.reconcileIntervalSeconds;
    if (seconds <= 0) return;
    const tick = () => {
      this.runNow()
        .catch((err: unknown) => this.ctx.log.error({ err, event: 'reconcile.failed' }, 'reconcile run failed'))
        .finally(() => {
          this.timer = setTimeout(tick, seconds * 1000);
          this.timer.unref();
        });
    };
    this.timer = setTimeout(tick, 2_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.timer = undefined;
    this.soonTimer = undefined;
    this.soonRooms.clear();
    await this.current?.catch(() => undefined);
  }

  /** One pass over every active room; concurrent callers share the pass in progress. */
  runNow(): Promise<ReconcileSummary> {
    this.current ??= this.pass(null).finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /**
   * Reads one room's calendar shortly (a meeting was just submitted to it), so its acceptance shows within seconds
   * instead of at the next full pass. Requests within a second are batched.
   */
  checkRoomSoon(roomId: number, delayMs = 1_000): void {
    this.soonRooms.add(roomId);
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      const rooms = new Set(this.soonRooms);
      this.soonRooms.clear();
      this.pass(rooms).catch((err: unknown) => this.ctx.log.warn({ err, event: 'reconcile.room_check_failed' }, 'room check failed'));
    }, delayMs);
    this.soonTimer.unref();
  }

  private async pass(only: Set<number> | null): Promise<ReconcileSummary> {
    const now = this.ctx.clock.now();
    const window = { start: now.minus({ days: 1 }).startOf('day'), end: now.plus({ days: this.ctx.config.reconcileDays }).endOf('day') };
    const summary: ReconcileSummary = { at: toDbTime(now), rooms: 0, failedRooms: [], external: 0, accepted: 0, declined: 0, cancelled: 0 };
    const organizerCalendars = new Map<string, Promise<CalendarItem[]>>();
    for (const room of listAllRooms(this.ctx).filter((r) => r.active && (!only || only.has(r.id)))) {
      try {
        const items = await this.ctx.gateway.listCalendar(room.alias, window);
        await this.reconcileRoom(room, items, window, now, organizerCalendars, summary);
        summary.rooms++;
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        summary.failedRooms.push(room.alias);
        this.ctx.log.warn({ event: 'reconcile.room_failed', room: room.alias, error: err.message }, 'could not read room calendar');
      }
    }
    if (!only) this.last = summary;
    this.ctx.log.info({ event: 'reconcile.done', ...summary, failedRooms: summary.failedRooms.length }, 'reconciled room calendars');
    return summary;
  }

  private async reconcileRoom(
    room: Room,
    items: CalendarItem[],
    window: { start: DateTime; end: DateTime },
    now: DateTime,
    organizerCalendars: Map<string, Promise<CalendarItem[]>>,
    summary: ReconcileSummary,
  ): Promise<void> {
    const { db } = this.ctx;
    const at = toDbTime(now);
    const live = items.filter((i) => !i.cancelled && i.busyStatus !== 'free');
    const inRoom = new Map(live.map((i) => [i.uid, i]));
    const ours = bookings.listAllInWindow(db, [room.id], toDbTime(window.start), toDbTime(window.end));
    const ourUids = new Set(ours.map((b) => b.uid));

    // Verdicts on sent bookings that are missing from the room calendar need the organizer's calendar.
    const missing = ours.filter(
      (b) => b.state === 'booked' && b.submittedAt && now.diff(DateTime.fromISO(b.submittedAt), 'milliseconds').milliseconds >= this.options.graceMs && !inRoom.has(b.uid),
    );
    const organizerHasIt = new Map<number, boolean>();
    for (const b of missing) {
      if (!b.exchangeMailbox) continue;
      const mailbox = b.exchangeMailbox;
      if (!organizerCalendars.has(mailbox)) organizerCalendars.set(mailbox, this.ctx.gateway.listCalendar(mailbox, window));
      const own = await organizerCalendars.get(mailbox)!;
      organizerHasIt.set(b.id, own.some((i) => i.uid === b.uid && !i.cancelled));
    }

    db.transaction(() => {
      for (const b of ours) {
        const item = inRoom.get(b.uid);
        if (item && (b.state === 'booked' || b.state === 'updating' || b.state === 'declined')) {
          const response = item.responseStatus === 'tentative' ? 'tentative' : 'accepted';
          const changes: bookings.BookingChanges = { reconciledAt: at };
          if (b.roomResponse !== response) {
            changes.roomResponse = response;
            changes.roomResponseAt = at;
            summary.accepted++;
          }
          if (b.state === 'declined') changes.state = 'booked';
          bookings.updateBookingRow(db, b.id, changes, at);
        }
      }
      for (const b of missing) {
        if (!organizerHasIt.has(b.id)) continue;
        const cancelledInOutlook = !organizerHasIt.get(b.id);
        const state = cancelledInOutlook ? 'cancelled' : 'declined';
        bookings.updateBookingRow(db, b.id, cancelledInOutlook ? { state } : { state, roomResponse: 'declined', roomResponseAt: at }, at);
        recordAudit({ db, clock: this.ctx.clock }, SYSTEM, cancelledInOutlook ? 'booking.cancelled_in_exchange' : 'booking.declined_by_room', { type: 'booking', id: b.id }, { state: b.state }, { state });
        if (cancelledInOutlook) summary.cancelled++;
        else summary.declined++;
      }
      const external = live
        .filter((i) => !ourUids.has(i.uid))
        .map((i) => ({ uid: i.uid || i.path, subject: i.subject, organizer: i.organizer, startsAt: toDbTime(i.start), endsAt: toDbTime(i.end) }));
      bookings.replaceExternalBookings(db, room.id, toDbTime(window.start), toDbTime(window.end), external, at);
      summary.external += external.length;
    }).immediate();
  }
}
