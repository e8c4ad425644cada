// People and rooms as free/busy rows over one day (issue 16), for the pages that ask Exchange themselves and only
// need the rows drawn: find-a-room (its one batched request carries the people too) and the booking form's panel.
// Working hours come from work_hours (the person's own zone), else 09:00–17:00 Monday–Friday in the rooms' zone.
import type { AppContext } from '../context.ts';
import type { Interval } from '../availability/merge.ts';
import { zoneDay } from '../time/zone-day.ts';
import { cellsMarkup } from '../availability/present.ts';
import type { Room } from '../rooms/service.ts';
import { t } from '../i18n/context.ts';
import * as repo from './repo.ts';
import { DEFAULT_WORK_DAYS, rowCells, workingIntervals, type WorkHours } from './slots.ts';

const CELL_MINUTES = 30;

export interface RowPerson {
  email: string;
  name: string | null;
  known: boolean;
  busy: readonly Interval[];
  /** Shown as "Required"/"Optional" when given. */
  role?: 'required' | 'optional';
}

export interface RowsView {
  scale: string[];
  people: { name: string; role: string; note: string; cells: { state: string; title: string }[]; cellsHtml: string; busy: string[] }[];
  rooms: { name: string; cells: { state: string; title: string }[]; cellsHtml: string; busy: string[] }[];
}

/** The rows of one local day `date` in `zone` across `window`; `slot` (the time asked) is outlined. */
export function peopleAndRoomRows(
  ctx: Pick<AppContext, 'db'>,
  q: {
    date: string;
    zone: string;
    window: Interval;
    slot?: Interval;
    people: readonly RowPerson[];
    rooms: readonly { room: Room; busy: readonly Interval[] }[];
  },
): RowsView {
  const zd = zoneDay(q.date, q.zone);
  const hhmm = (ms: number) => zd?.label(ms) ?? '';
  const words = { busy: t('strip.busy'), off: t('scheduling.off_hours'), free: t('strip.free') };
  const saved = repo.workHoursOf(
    ctx.db,
    q.people.map((p) => p.email),
  );
  const inSlot = (start: number) => !!q.slot && start < q.slot.end && start + CELL_MINUTES * 60_000 > q.slot.start;
  // The cells and their finished markup (views/scheduling/_rows.ejs prints it; escaping cell by cell was most of the rows' render).
  const present = (list: { start: number; state: string }[]) => {
    const cells = list.map((c) => ({
      state: inSlot(c.start) ? `${c.state} in-slot` : c.state,
      title: `${hhmm(c.start)} ${c.state === 'busy' ? words.busy : c.state === 'off' ? words.off : words.free}`,
    }));
    return { cells, cellsHtml: cellsMarkup(cells.map((c) => ({ className: `cell ${c.state}`, title: c.title }))) };
  };
  const busyTimes = (cells: { start: number; state: string }[]) => cells.filter((c) => c.state === 'busy').map((c) => hhmm(c.start));
  const people = q.people.map((p) => {
    const hours: WorkHours = saved.get(p.email.toLowerCase()) ?? { timeZone: q.zone, start: '09:00', end: '17:00', days: DEFAULT_WORK_DAYS };
    const cells = rowCells(p.busy, workingIntervals(hours, q.window.start, q.window.end), q.window, CELL_MINUTES);
    return {
      name: p.name ? `${p.name} (${p.email})` : p.email,
      role: p.role ? t(`booking.role.${p.role}`) : '',
      note: p.known ? t('scheduling.works', { start: hours.start, end: hours.end, zone: hours.timeZone }) : t('scheduling.no_freebusy'),
      ...present(cells),
      busy: busyTimes(cells),
    };
  });
  const rooms = q.rooms.map(({ room, busy }) => {
    const rz = zoneDay(q.date, room.timeZone);
    const opens = rz?.instant(room.opensAt);
    const closes = rz?.instant(room.closesAt);
    const cells = rowCells(busy, opens != null && closes != null ? [{ start: opens, end: closes }] : [], q.window, CELL_MINUTES);
    return { name: `${room.name} (${room.capacity})`, ...present(cells), busy: busyTimes(cells) };
  });
  const first = rowCells([], null, q.window, CELL_MINUTES);
  const scale = first.map((c) => {
    const hm = hhmm(c.start);
    return hm.endsWith(':00') && Number(hm.slice(0, 2)) % 2 === 0 ? hm : '';
  });
  return { scale, people, rooms };
}
