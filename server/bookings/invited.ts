// Meetings a user is invited to (an attendee, not the organizer), from this app's own bookings: home's "my day"
// shows them next to the user's own (issue 16). Meetings that exist only in the user's Exchange calendar are not
// read: free/busy (all the app asks of people's mailboxes) says when, never what.
import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import type { User } from '../users/service.ts';
import * as repo from './repo.ts';

export function listInvitedBookings(ctx: Pick<AppContext, 'db' | 'clock'>, user: Pick<User, 'id' | 'email'>, until: string): repo.Booking[] {
  return repo.listBookingsForAttendee(ctx.db, user.email, user.id, toDbTime(ctx.clock.now()), until);
}
