// What an employee reads about Exchange: what happened and what happens next, in words. The technical facts
// (method, path, status, request id) stay in the outbox job's last_error, shown on the admin sync page only.
import { ExchangeError, InvalidMeetingError } from '../exchange/errors.ts';

export const RETRYING = 'Exchange did not answer; we will keep trying — nothing is lost.';
const SEE_ADMIN = 'the details are on the admin sync page';
/** The reason a booking failed because its room's mailbox does not exist (bookings/replacement.ts offers other rooms). */
export const ROOM_MAILBOX_UNKNOWN = 'Exchange does not know the room’s mailbox: ask IT to check the room’s mailbox alias in Manage rooms.';

/** True when the failed request was about the room's own mailbox (e.g. reading its calendar to verify delivery). */
function touchesMailbox(err: ExchangeError, alias: string | undefined): boolean {
  if (!alias) return false;
  return decodeURIComponent(err.path).toLowerCase().startsWith(`/exchange/${alias.toLowerCase()}/`);
}

/** A permanent failure, as the booking page says it. `roomAlias` tells a refusing room from a refusing organizer mailbox. */
export function employeeReason(err: unknown, roomAlias?: string): string {
  if (err instanceof InvalidMeetingError) return `The meeting cannot be sent as it is: ${Object.values(err.fields).join(' ')}`;
  if (!(err instanceof ExchangeError)) return `The booking could not be sent to Exchange because of an internal error: ask IT to look at it (${SEE_ADMIN}).`;
  const room = touchesMailbox(err, roomAlias);
  switch (err.code) {
    case 'exchange.forbidden':
      return room
        ? 'The room mailbox refused the meeting: ask IT to give the booking service access to the room’s mailbox.'
        : 'Exchange did not let the booking service write to the organizer’s calendar: ask IT to give the booking service delegate access to that mailbox.';
    case 'exchange.not_found':
      return room
        ? ROOM_MAILBOX_UNKNOWN
        : 'Exchange does not know the organizer’s mailbox: ask IT to check that the account has an Exchange mailbox.';
    case 'exchange.conflict':
      return `Exchange already holds a different meeting under this booking’s name, so nothing was overwritten: ask IT to look at it (${SEE_ADMIN}).`;
    case 'exchange.rejected':
      return `Exchange answered with something other than a confirmation, so the meeting is not counted as sent: ask IT to look at it (${SEE_ADMIN}).`;
    default:
      return `Exchange refused the meeting: ask IT to look at it (${SEE_ADMIN}).`;
  }
}
