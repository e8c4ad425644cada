import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { roleAbilities, roleLabel } from '../users/roles.ts';
import { t } from '../i18n/context.ts';
import { pages } from '../http/access.ts';
import { listMyBookings } from '../bookings/service.ts';
import { presentBooking } from '../bookings/present.ts';
import { listInvitedBookings } from '../bookings/invited.ts';
import { findUser } from '../users/service.ts';
import { getRoom, listBuildings } from '../rooms/service.ts';
import { usualBuilding } from '../scheduling/service.ts';

const DAY_MS = 86_400_000;
const NEXT_DAYS = 7;

export function homeRoutes(ctx: AppContext): Router {
  const router = Router();

  /** GET /: my day — what needs my action, my next meetings (today and 7 days), and "Book a room now". */
  router.get('/', ...pages.signedIn, (req, res) => {
    const user = req.user!;
    const now = ctx.clock.now();
    const horizon = new Date(now.toMillis() + (NEXT_DAYS + 1) * DAY_MS).toISOString();
    const { upcoming } = listMyBookings(ctx, user);
    const rooms = new Map<number, ReturnType<typeof getRoom>>();
    const present = (b: (typeof upcoming)[number]) => {
      const room = rooms.get(b.roomId) ?? getRoom(ctx, b.roomId);
      rooms.set(b.roomId, room);
      return presentBooking(b, room, user, now);
    };
    const attention = upcoming.filter((b) => b.state === 'declined' || b.state === 'failed').map(present);
    const live = (b: { state: string }) => ['pending', 'booked', 'updating'].includes(b.state);
    const mine = upcoming.filter((b) => live(b) && b.startsAt < horizon).map((b) => ({ b, view: present(b), invitedBy: null as string | null }));
    // Meetings others booked with me as an attendee, with who invited me and my answer (issue 16).
    const me = user.email.toLowerCase();
    const organizers = new Map<number, { displayName: string; email: string }>();
    const invited = listInvitedBookings(ctx, user, horizon)
      .filter(live)
      .map((b) => {
        const room = rooms.get(b.roomId) ?? getRoom(ctx, b.roomId);
        rooms.set(b.roomId, room);
        const organizer = organizers.get(b.organizerId) ?? findUser(ctx, b.organizerId) ?? { displayName: '', email: '' };
        organizers.set(b.organizerId, organizer);
        const view = presentBooking(b, room, organizer, now);
        return { b, view, invitedBy: organizer.displayName, answer: view.attendees.find((a) => a.email.toLowerCase() === me)?.response ?? '' };
      });
    const next = [...mine, ...invited]
      .sort((x, y) => x.b.startsAt.localeCompare(y.b.startsAt))
      .slice(0, 20)
      .map((x) => ({ ...x.view, invitedBy: x.invitedBy, answer: 'answer' in x ? x.answer : '' }));
    res.render('home/index', {
      title: t('home.title'),
      roleLabel: roleLabel(user.role),
      abilities: roleAbilities(user.role),
      attention,
      next,
      buildings: listBuildings(ctx),
      building: usualBuilding(ctx, user.id),
    });
  });

  return router;
}
