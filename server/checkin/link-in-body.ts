// The organizer's signed one-click check-in link in the meeting's text (issue 15), in the organizer's language, for
// bookings in rooms where check-in is on, when the app knows its public address (PUBLIC_URL). The link works only in
// the window (routes.ts /checkin/:id/:signature); the text says when that is, in the room's time.
import type { AppContext } from '../context.ts';
import { addMeetingExtra } from '../bookings/meeting-extras.ts';
import { tFor } from '../i18n/context.ts';
import { checkinLinkPath, settingsForRoom } from './service.ts';
import { checkinWindow, localClock } from './rules.ts';

export function registerCheckinLink(ctx: Pick<AppContext, 'db' | 'config'>): void {
  const base = ctx.config.publicUrl;
  if (!base) return;
  addMeetingExtra(ctx.db, 'checkin-link', (b, room, organizer) => {
    const s = settingsForRoom(ctx, room);
    if (!s.required) return null;
    const w = checkinWindow(Date.parse(b.startsAt), s);
    return tFor(organizer.locale ?? ctx.config.defaultLocale, 'checkin.body.link', {
      from: localClock(w.opens, room.timeZone),
      to: localClock(w.closes, room.timeZone),
      url: `${base}${checkinLinkPath(ctx.config.sessionSecret, b)}`,
    });
  });
}
