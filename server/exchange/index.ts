// The gateway's public face: the factory, the domain types and the error classes. Nothing from undici or
// fast-xml-parser crosses this line (STYLE §2.3).
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type {
  ExchangeRequestObserver,
  FreeBusyOptions,
  GatewayHealth,
  MailboxCheck,
  MailboxFreeBusy,
  SeriesGateway,
  SeriesSteps,
  TimeWindow,
} from './gateway.ts';
import { resolveGatewayConfig, type ExchangeGatewayConfig } from './config.ts';
import { createTransport } from './transport.ts';
import { createFolderDirectory } from './folders.ts';
import { createMeetingSteps } from './meetings.ts';
import { listCalendarItems } from './calendar.ts';
import { listAttendeeResponses } from './responses.ts';
import { fetchFreeBusy, plannedBatches } from './owa/freebusy.ts';
import { acceptLanguage, canonicalLanguage } from './owa/language.ts';
import { AuthFailedError, ExchangeError, ForbiddenError, InvalidMeetingError, NotFoundError, TransientError } from './errors.ts';
import { propfind } from './dav/propfind.ts';
import { mailboxRoot } from './paths.ts';
import { createSeriesSteps } from './series.ts';

export type * from './gateway.ts';
export type { ExchangeGatewayConfig } from './config.ts';
export {
  ExchangeError,
  TransientError,
  AuthFailedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  RejectedError,
  InvalidMeetingError,
  isRetryable,
} from './errors.ts';
// The one rule for what text may reach Exchange; the forms validate with it too.
export { isExchangeAddress, multiLineProblem, singleLineProblem, TEXT_PROBLEM_MESSAGES, type TextProblem } from './text-rules.ts';

function checkWindow(window: TimeWindow, intervalMinutes?: number): void {
  const fields: Record<string, string> = {};
  if (!window.start.isValid || !window.end.isValid || window.end <= window.start) fields.window = 'must end after it starts.';
  if (intervalMinutes !== undefined && (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > 1440)) {
    fields.intervalMinutes = 'must be a whole number of minutes between 1 and 1440.';
  }
  if (Object.keys(fields).length) throw new InvalidMeetingError(fields);
}

/** The mailbox alias of a sign-in name: `DOMAIN\\user` and `user@domain` both name the mailbox `user`. */
function accountAlias(username: string): string {
  return username.replace(/^.*\\/, '').replace(/@.*$/, '');
}

/** `observe`, when given, is told about every HTTP request (operation, status, duration), e.g. for metrics. */
export function createExchangeGateway(
  config: ExchangeGatewayConfig,
  log: Logger,
  clock: () => DateTime = () => DateTime.utc(),
  observe?: ExchangeRequestObserver,
): SeriesGateway {
  const c = resolveGatewayConfig(config);
  const glog = log.child({ area: 'exchange' });
  const transportConfig = {
    url: c.url,
    auth: c.auth,
    credentials: { username: c.username, password: c.password },
    connectTimeoutMs: c.connectTimeoutMs,
    headersTimeoutMs: c.headersTimeoutMs,
    bodyTimeoutMs: c.bodyTimeoutMs,
    keepAliveTimeoutMs: c.keepAliveTimeoutMs,
    maxConnections: c.maxConnections,
    userAgent: c.userAgent,
    tlsCa: c.tlsCa,
    ...(observe ? { observe } : {}),
  };
  const transport = createTransport(transportConfig, glog);
  // Free/busy batches have a pool of their own with a larger cap (config.ts freeBusyMaxConnections): a big search
  // sends every batch at once instead of in waves, and never holds up the meeting steps' connections.
  const freeBusyTransport =
    c.freeBusyMaxConnections > c.maxConnections ? createTransport({ ...transportConfig, maxConnections: c.freeBusyMaxConnections }, glog) : transport;
  const folders = createFolderDirectory(transport);
  const steps = createMeetingSteps({
    transport,
    folders,
    route: c.meetingRoute,
    autoFallback: c.autoFallback,
    log: glog,
    now: clock,
    defaultLanguage: c.defaultLanguage,
  });

  const health: GatewayHealth = { reachable: true, unreachableSince: null, lastError: null, operations: {}, requests: 0, connections: 0 };

  // Counts every operation for /healthz; the error passes through untouched.
  async function run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const counter = (health.operations[operation] ??= { ok: 0, failed: 0 });
    try {
      const result = await fn();
      counter.ok++;
      health.reachable = true;
      health.unreachableSince = null;
      return result;
    } catch (error) {
      counter.failed++;
      if (error instanceof ExchangeError) {
        health.reachable = !(error instanceof TransientError);
        // The first failure of a run says since when; an answer of any kind (even a 403) ends the run.
        health.unreachableSince = health.reachable ? null : (health.unreachableSince ?? clock().toISO());
      }
      health.lastError = { at: clock().toISO() ?? '', operation, message: error instanceof Error ? error.message : String(error) };
      glog.warn(
        {
          event: 'exchange.operation_failed',
          operation,
          error: error instanceof Error ? error.name : 'unknown',
          status: (error as { status?: number }).status,
        },
        'exchange operation failed',
      );
      throw error;
    }
  }

  async function freeBusy(emails: string[], window: TimeWindow, intervalMinutes: number, options: FreeBusyOptions = {}): Promise<MailboxFreeBusy[]> {
    checkWindow(window, intervalMinutes);
    if (options.language !== undefined && canonicalLanguage(options.language) === null)
      throw new InvalidMeetingError({ language: 'must be a BCP-47 language tag such as en or hu.' });
    const language = acceptLanguage(options.language, c.defaultLanguage);
    if (emails.length === 0) return [];
    const batches = plannedBatches(emails, window, intervalMinutes, { batchSize: c.freeBusyBatchSize, maxUrlLength: c.freeBusyMaxUrlLength });
    const onBatch = options.onBatch;
    const results = await Promise.all(
      batches.map(async (batch) => {
        const answers = await fetchFreeBusy(freeBusyTransport, batch.emails, window, intervalMinutes, language, batch.query);
        onBatch?.(answers);
        return answers;
      }),
    );
    return results.flat();
  }

  // The admin form's check: a fresh root PROPFIND (the cached folders may predate a rename or a lost delegation),
  // then Depth 0 on the calendar it names, which is what booking needs to read. Runs inside run() so an outage still
  // counts against reachability; the error is only translated afterwards.
  async function readMailbox(alias: string): Promise<void> {
    folders.forget(alias);
    const f = await folders.get(alias);
    await propfind(transport, f.calendar, ['displayName'], { mailbox: alias });
  }

  function mailboxCheckOf(error: unknown): MailboxCheck {
    if (error instanceof NotFoundError) return 'unknown';
    if (error instanceof ForbiddenError) return 'no-access';
    // The account itself refused, or no answer: nothing is known about this mailbox.
    if (error instanceof TransientError || error instanceof AuthFailedError) return 'unreachable';
    // Anything else (a root without a calendar, an HTML page instead of a multistatus) is no usable room mailbox.
    if (error instanceof ExchangeError) return 'no-access';
    throw error;
  }

  return {
    putMeetingItem: (meeting) => run('putMeetingItem', () => steps.putMeetingItem(meeting)),
    submitMeeting: (ref, meeting, options) => run('submitMeeting', () => steps.submitMeeting(ref, meeting, options)),
    patchMeetingItem: (ref, meeting) => run('patchMeetingItem', () => steps.patchMeetingItem(ref, meeting)),
    sendMeetingUpdate: (ref, meeting, options) => run('sendMeetingUpdate', () => steps.sendMeetingUpdate(ref, meeting, options)),
    sendCancellation: (ref, meeting, options) => run('sendCancellation', () => steps.sendCancellation(ref, meeting, options)),
    removeMeetingItem: (ref) => run('removeMeetingItem', () => steps.removeMeetingItem(ref)),
    freeBusy: (emails, window, intervalMinutes, options) => run('freeBusy', () => freeBusy(emails, window, intervalMinutes, options)),
    cancelForRoom: (ref, meeting, options) => run('cancelForRoom', () => steps.cancelForRoom(ref, meeting, options)),
    sendUpdateWithoutRoom: (ref, meeting, options) => run('sendUpdateWithoutRoom', () => steps.sendUpdateWithoutRoom(ref, meeting, options)),
    listCalendar: (mailbox, window) =>
      run('listCalendar', async () => {
        checkWindow(window);
        const f = await folders.get(mailbox);
        return listCalendarItems(transport, f.calendar, mailbox, window);
      }),
    listResponses: (mailbox, uid) =>
      run('listResponses', async () => {
        const f = await folders.get(mailbox);
        if (!f.inbox) return [];
        return listAttendeeResponses(transport, f.inbox, mailbox, uid);
      }),
    discoverFolders: (mailbox) => run('discoverFolders', () => folders.get(mailbox)),
    probe: () =>
      run('probe', async () => {
        const alias = accountAlias(c.username);
        await propfind(transport, mailboxRoot(alias), ['displayName'], { mailbox: alias });
      }),
    checkMailbox: (alias) => run('checkMailbox', () => readMailbox(alias)).then((): MailboxCheck => 'ok', mailboxCheckOf),
    health: () => ({
      ...health,
      operations: structuredClone(health.operations),
      requests: transport.counters.requests + (freeBusyTransport === transport ? 0 : freeBusyTransport.counters.requests),
      connections: transport.counters.connections + (freeBusyTransport === transport ? 0 : freeBusyTransport.counters.connections),
    }),
    close: async () => {
      await Promise.all([transport.close(), freeBusyTransport === transport ? undefined : freeBusyTransport.close()]);
    },
    series: countedSeries(createSeriesSteps({ transport, folders, log: glog, now: clock }), run),
  };
}

/** The series steps, each counted for /healthz under its own name like the single-meeting steps. */
function countedSeries(s: SeriesSteps, run: <T>(operation: string, fn: () => Promise<T>) => Promise<T>): SeriesSteps {
  return {
    putSeriesItem: (series, exceptions) => run('putSeriesItem', () => s.putSeriesItem(series, exceptions)),
    patchSeriesItem: (ref, series, exceptions) => run('patchSeriesItem', () => s.patchSeriesItem(ref, series, exceptions)),
    submitSeries: (ref, series, options) => run('submitSeries', () => s.submitSeries(ref, series, options)),
    sendOccurrenceChange: (ref, series, change, options) => run('sendOccurrenceChange', () => s.sendOccurrenceChange(ref, series, change, options)),
    sendOccurrenceCancel: (ref, series, occurrence, options) => run('sendOccurrenceCancel', () => s.sendOccurrenceCancel(ref, series, occurrence, options)),
    sendSeriesCancel: (ref, series, options) => run('sendSeriesCancel', () => s.sendSeriesCancel(ref, series, options)),
    removeSeriesItem: (ref) => run('removeSeriesItem', () => s.removeSeriesItem(ref)),
  };
}
