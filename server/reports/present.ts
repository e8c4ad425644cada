// Turns a report into what the page and the CSV show: rounded numbers, the SVG charts and their tables. The page and
// the CSV read the same rows, so the numbers cannot drift apart.
import { hours, noShowRate, rankRooms, usedHours, utilisation, type Totals, type UtilisationReport } from './aggregate.ts';
import { csvRow } from './csv.ts';
import type { Rebooked, RebookedSpan, ReportData } from './service.ts';
import { barChartSvg, heatMapSvg, heatStep } from './svg.ts';
import { currentLocale, t } from '../i18n/context.ts';
import { DateTime } from 'luxon';
import { formatDate, formatDecimal, formatNumber, formatPercent } from '../i18n/format.ts';

// The CSV keeps English column codes, level codes (total, building, floor, room) and weekday codes (Mon…Sun), and
// plain numbers with a decimal point, like the API, so scripts read it in any language; its title and note lines
// and the "All buildings" line's name follow the reader's language.
const unknownCheckIn = () => t('reports.unknown_checkin');
/** Weekday codes for the CSV; the page shows the reader's weekday names. */
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** Monday to Sunday in the request's language (2026-11-30 was a Monday). */
const weekdayNames = () => WEEKDAYS.map((_, i) => formatDate(DateTime.fromISO('2026-11-30', { zone: 'utc' }).plus({ days: i }), 'weekdayShort'));
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
const RANKED = 5;

const round1 = (n: number) => Math.round(n * 10) / 10;
const pct1 = (share: number | null) => (share === null ? null : round1(share * 100));
// Percentages and hours through Intl in the reader's language: "8.1 %" / "8,1%", "44.0" / "44,0".
const fmtPct = (share: number | null) => (share === null ? '—' : formatPercent(pct1(share)!));
const pctText = (pct: number | null) => (pct === null ? '—' : formatPercent(pct));
const fmtHours = (n: number) => formatDecimal(round1(n), 1);

/** One line of a utilisation table, as numbers (CSV) and as text (page). */
export interface Line {
  level: 'total' | 'building' | 'floor' | 'room';
  building: string;
  floor: string;
  room: string;
  capacity: number | null;
  bookings: number;
  bookedHours: number;
  bookableHours: number;
  utilisationPct: number | null;
  usedHours: number | null;
  noShowPct: number | null;
  /** Hours released no-shows gave back (release to end), and the part of them other meetings then took. */
  releasedHours: number;
  rebookedHours: number;
  /** rebooked / released, from the unrounded times; null when nothing was released. */
  rebookedShare: number | null;
}

function line(level: Line['level'], building: string, floor: string, room: string, capacity: number | null, t: Totals, rb: RebookedSpan): Line {
  const used = usedHours(t);
  return {
    level,
    building,
    floor,
    room,
    capacity,
    bookings: t.bookings,
    bookedHours: round1(hours(t.bookedMs)),
    bookableHours: round1(hours(t.bookableMs)),
    utilisationPct: pct1(utilisation(t)),
    usedHours: used === null ? null : round1(used),
    noShowPct: pct1(noShowRate(t)),
    releasedHours: round1(hours(rb.releasedMs)),
    rebookedHours: round1(hours(rb.rebookedMs)),
    rebookedShare: rb.releasedMs > 0 ? rb.rebookedMs / rb.releasedMs : null,
  };
}

const NONE: RebookedSpan = { releasedMs: 0, rebookedMs: 0 };

/**
 * Released and rebooked time summed per building, floor and in total, in one pass over the rooms that had a released
 * no-show (keys as the report's own: building, and building + NUL + floor).
 */
function rebookedSums(r: UtilisationReport, rebooked: Rebooked | undefined): { total: RebookedSpan; groups: Map<string, RebookedSpan> } {
  const total = { releasedMs: 0, rebookedMs: 0 };
  const groups = new Map<string, RebookedSpan>();
  if (!rebooked?.byRoom.size) return { total, groups };
  const add = (key: string, s: RebookedSpan) => {
    const g = groups.get(key) ?? { releasedMs: 0, rebookedMs: 0 };
    g.releasedMs += s.releasedMs;
    g.rebookedMs += s.rebookedMs;
    groups.set(key, g);
  };
  for (const l of r.rooms) {
    const s = rebooked.byRoom.get(l.room.id);
    if (!s) continue;
    total.releasedMs += s.releasedMs;
    total.rebookedMs += s.rebookedMs;
    add(l.room.building, s);
    add(`${l.room.building}\u0000${l.room.floor}`, s);
  }
  return { total, groups };
}

export function reportLines(r: UtilisationReport, rebooked?: Rebooked): Line[] {
  const { total, groups } = rebookedSums(r, rebooked);
  return [
    line('total', t('rooms.all_buildings'), '', '', null, r.total, total),
    ...r.buildings.map((b) => line('building', b.building, '', '', null, b, groups.get(b.building) ?? NONE)),
    ...r.floors.map((f) => line('floor', f.building, f.floor ?? '', '', null, f, groups.get(`${f.building}\u0000${f.floor ?? ''}`) ?? NONE)),
    ...r.rooms.map((l) => line('room', l.room.building, l.room.floor, l.room.name, l.room.capacity, l, rebooked?.byRoom.get(l.room.id) ?? NONE)),
  ];
}

/** Share of room time booked per weekday (rows) and local hour (columns); null where no time was offered. */
export function heatValues(r: UtilisationReport): (number | null)[][] {
  return WEEKDAYS.map((_, d) =>
    HOURS.map((_, h) => {
      const total = r.heat.totalMs[d + 1]![h]!;
      return total > 0 ? r.heat.bookedMs[d + 1]![h]! / total : null;
    }),
  );
}

export interface SeatRow {
  capacity: number;
  rooms: number;
  bookings: number;
  typicalPeople: number | null;
  typicalSharePct: number;
  meanFillPct: number;
  /** The two shares as the page shows them, in the reader's language. */
  typicalShareText: string;
  meanFillText: string;
  sentence: string;
}

function seatRows(r: UtilisationReport): SeatRow[] {
  return r.seats.map((s) => {
    const people =
      s.typicalPeople === null
        ? null
        : s.typicalPeople > s.capacity
          ? t('reports.more_than_people', { count: s.capacity })
          : t('room.people', { count: s.typicalPeople });
    return {
      capacity: s.capacity,
      rooms: s.rooms,
      bookings: s.bookings,
      typicalPeople: s.typicalPeople,
      typicalSharePct: round1(s.typicalShare * 100),
      meanFillPct: round1(s.meanFill * 100),
      typicalShareText: pctText(round1(s.typicalShare * 100)),
      meanFillText: pctText(round1(s.meanFill * 100)),
      sentence: people
        ? t('reports.seat_sentence', { seats: s.capacity, people, pct: Math.round(s.typicalShare * 100) })
        : t('reports.seat_sentence_none', { seats: s.capacity }),
    };
  });
}

export function presentReport(data: ReportData) {
  const { report, request } = data;
  const lines = reportLines(report, data.rebooked);
  // Released hours rebooked (check-in): "1.5 of 3 h (50 %)", or a dash where nothing was released.
  const rebookedText = (l: Line) =>
    l.rebookedShare === null
      ? '—'
      : t('reports.rebooked_value', { rebooked: fmtHours(l.rebookedHours), released: fmtHours(l.releasedHours), pct: fmtPct(l.rebookedShare) });
  const text = (l: Line) => ({
    ...l,
    bookingsText: formatNumber(l.bookings),
    bookedText: fmtHours(l.bookedHours),
    bookableText: fmtHours(l.bookableHours),
    utilisationText: pctText(l.utilisationPct),
    usedText: l.usedHours === null ? unknownCheckIn() : fmtHours(l.usedHours),
    noShowText: l.noShowPct === null ? unknownCheckIn() : pctText(l.noShowPct),
    rebookedText: rebookedText(l),
  });
  const heat = heatValues(report);
  const ranked = rankRooms(report.rooms).filter((l) => utilisation(l) !== null);
  // With few rooms the two lists split them; a room is never both busiest and emptiest.
  const busiest = ranked.slice(0, Math.min(RANKED, Math.ceil(ranked.length / 2)));
  const emptiest = ranked.slice(busiest.length).slice(-RANKED).reverse();
  const rankBars = (ls: typeof ranked) =>
    ls.map((l) => ({
      label: l.room.name,
      value: utilisation(l) ?? 0,
      text: fmtPct(utilisation(l)),
      room: l.room,
      booked: fmtHours(hours(l.bookedMs)),
      bookable: fmtHours(hours(l.bookableMs)),
    }));
  const seats = seatRows(report);
  const scope = request.building ?? t('reports.all_buildings');
  // English keeps the ISO dates its readers (and the CSV) use; Hungarian reads "2026. okt. 1.".
  const day = (iso: string) => (currentLocale() === 'en' ? iso : formatDate(DateTime.fromISO(iso, { zone: 'utc' }), 'date'));
  const periodText = t('reports.period', { from: day(request.period.from), to: day(request.period.to) });
  const days = weekdayNames();
  const query = new URLSearchParams({ from: request.period.from, to: request.period.to, ...(request.building ? { building: request.building } : {}) });
  return {
    periodText,
    scope,
    // The tables show the column once anything could have been released (check-in recorded somewhere).
    showRebooked: report.checkInRecorded || lines[0]!.rebookedShare !== null,
    csvHref: `/reports.csv?${query}`,
    checkInRecorded: report.checkInRecorded,
    total: text(lines[0]!),
    buildings: lines.filter((l) => l.level === 'building').map(text),
    floors: lines.filter((l) => l.level === 'floor').map(text),
    rooms: lines.filter((l) => l.level === 'room').map(text),
    heat: {
      weekdays: days,
      hours: HOURS,
      rows: heat.map((row, d) => ({
        day: days[d]!,
        cells: row.map((v) => ({ text: v === null ? '—' : formatDecimal(Math.round(v * 100), 0), step: v === null ? 0 : heatStep(v) })),
      })),
      svg: heatMapSvg({
        id: 'heat',
        title: t('reports.heat_title', { scope, period: periodText }),
        desc: t('reports.heat_desc'),
        rows: days,
        cols: HOURS,
        values: heat,
        cellText: (v) => (v === null ? t('reports.heat_no_time') : formatPercent(Math.round(v * 100))),
      }),
    },
    busiest: rankBars(busiest),
    emptiest: rankBars(emptiest),
    rankSvg: barChartSvg({
      id: 'rank',
      title: t('reports.rank_title', { period: periodText }),
      desc: t('reports.rank_desc'),
      bars: [...rankBars(busiest), ...rankBars(emptiest)],
      max: 1,
    }),
    seats,
    seatSvg: barChartSvg({
      id: 'seats',
      title: t('reports.seats_title', { period: periodText }),
      desc: t('reports.seats_desc'),
      bars: seats.map((s) => ({ label: t('reports.seat_rooms', { seats: s.capacity }), value: s.meanFillPct / 100, text: s.meanFillText })),
      max: 1,
    }),
  };
}

/** The same numbers as the page, as CSV sections separated by a blank line. */
export function reportCsv(data: ReportData): string {
  const { report, request } = data;
  const out: string[] = [];
  out.push(csvRow([t('reports.title'), request.period.from, request.period.to, request.building ?? t('rooms.all_buildings')]));
  if (!report.checkInRecorded) out.push(csvRow([t('reports.csv.note'), t('reports.csv.checkin_note', { unknown: unknownCheckIn() })]));
  out.push('\r\n');
  out.push(
    csvRow([
      'level',
      'building',
      'floor',
      'room',
      'capacity',
      'bookings',
      'booked_hours',
      'bookable_hours',
      'utilisation_pct',
      'used_hours',
      'no_show_pct',
      'released_hours',
      'rebooked_hours',
    ]),
  );
  for (const l of reportLines(report, data.rebooked))
    out.push(
      csvRow([
        l.level,
        l.building,
        l.floor,
        l.room,
        l.capacity,
        l.bookings,
        l.bookedHours,
        l.bookableHours,
        l.utilisationPct,
        l.usedHours,
        l.noShowPct,
        l.releasedHours,
        l.rebookedHours,
      ]),
    );
  out.push('\r\n');
  out.push(csvRow(['peak_hours_pct_booked', ...HOURS]));
  heatValues(report).forEach((row, d) => out.push(csvRow([WEEKDAYS[d], ...row.map((v) => (v === null ? null : round1(v * 100)))])));
  out.push('\r\n');
  out.push(csvRow(['capacity', 'rooms', 'bookings_with_known_people', 'typical_people', 'typical_share_pct', 'mean_fill_pct']));
  for (const s of seatRows(report)) out.push(csvRow([s.capacity, s.rooms, s.bookings, s.typicalPeople, s.typicalSharePct, s.meanFillPct]));
  return out.join('');
}
