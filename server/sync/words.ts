// What an employee reads about Exchange: what happened and what happens next, in words. The technical facts
// (method, path, status, request id) stay in the outbox job's last_error, shown on the admin sync page only.
//
// Issue 17: the reasons are stored as references to catalog messages (i18n/stored.ts), so each reader sees them in
// their own language; employeeReason() gives the words in the current language, for callers that show them at once.
import { ExchangeError, InvalidMeetingError } from '../exchange/errors.ts';
import { readStored, storedMessage } from '../i18n/stored.ts';
import { t } from '../i18n/context.ts';
import { gatewayProblemsRef } from '../i18n/gateway-words.ts';

/** The booking page's note while a version waits for another try, in the reader's language. */
export const retryingText = (): string => t('sync.reason.retrying');
/**
 * The catalog key of the reason a booking failed because its room's mailbox does not exist (bookings/replacement.ts
 * offers other rooms): stored reasons are catalog references, so the key appears in them verbatim.
 */
export const ROOM_MAILBOX_UNKNOWN = 'sync.reason.not_found_room';

/** True when the failed request was about the room's own mailbox (e.g. reading its calendar to verify delivery). */
function touchesMailbox(err: ExchangeError, alias: string | undefined): boolean {
  if (!alias) return false;
  return decodeURIComponent(err.path).toLowerCase().startsWith(`/exchange/${alias.toLowerCase()}/`);
}

/** A permanent failure as a stored reference (see above). `roomAlias` tells a refusing room from a refusing organizer mailbox. */
export function employeeReasonRef(err: unknown, roomAlias?: string): string {
  // The gateway's field problems, each in the reader's language too (i18n/gateway-words.ts).
  if (err instanceof InvalidMeetingError) return storedMessage('sync.reason.invalid', { details: gatewayProblemsRef(err.fields) });
  if (!(err instanceof ExchangeError)) return storedMessage('sync.reason.internal');
  const room = touchesMailbox(err, roomAlias);
  switch (err.code) {
    case 'exchange.forbidden':
      return storedMessage(room ? 'sync.reason.forbidden_room' : 'sync.reason.forbidden_organizer');
    case 'exchange.not_found':
      return storedMessage(room ? ROOM_MAILBOX_UNKNOWN : 'sync.reason.not_found_organizer');
    case 'exchange.conflict':
      return storedMessage('sync.reason.conflict');
    case 'exchange.rejected':
      return storedMessage('sync.reason.rejected');
    default:
      return storedMessage('sync.reason.refused');
  }
}

/** A permanent failure, as the booking page says it, in the current language. */
export const employeeReason = (err: unknown, roomAlias?: string): string => readStored(employeeReasonRef(err, roomAlias));
