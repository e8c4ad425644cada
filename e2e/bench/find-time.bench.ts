// Find a time (issue 16): the organizer, 19 attendees (14 required, 5 optional) and 50 rooms of one building, five
// working days, production mode, the emulator in its own process answering free/busy 50 ms late. The ratio is to one
// emulator round trip (free/busy of a single mailbox over the same five days) measured in the same run.
import { DateTime } from 'luxon';
import { startTestApp, TestBrowser } from '../../server/test/test-app.ts';
import type { BenchReport } from './run.ts';
import { load, localDate, median, PRODUCTION_ENV, profiled, row, seedDay, seedRooms, startEmulatorProcess, timed, userId, ZONE } from './support.ts';

const LATENCY_MS = 50;
// BENCH_FIND_SEARCHES: more searches for a steadier CPU figure on a busy machine.
const SEARCHES = Number(process.env.BENCH_FIND_SEARCHES ?? 20);
const PEOPLE = Array.from({ length: 19 }, (_, i) => `bench-person-${i}`);

export async function run(): Promise<BenchReport> {
  const emulator = await startEmulatorProcess();
  const app = await startTestApp({ ...PRODUCTION_ENV, ...emulator.appEnv });
  try {
    const ctx = app.ctx;
    const rooms = await seedRooms(ctx, 50, emulator.url);
    const organizer = userId(ctx, 'bench');
    for (let d = 1; d <= 7; d++) seedDay(ctx, rooms, localDate(d), 6, organizer, (i) => (i % 2 ? '09:05' : '08:00'));
    const org = (await (await fetch(`${emulator.url}/_emulator/org`)).json()) as { mailboxes: Record<string, unknown>[] };
    const people = PEOPLE.map((alias) => ({
      alias,
      smtp: `${alias}@example.com`,
      displayName: alias,
      kind: 'user',
      password: 'demo',
      locale: 'en',
      timeZone: ZONE,
    }));
    await fetch(`${emulator.url}/_emulator/org`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...org, mailboxes: [...org.mailboxes, ...people] }),
    });
    // Each person has a meeting a day at a different hour, so the search has to look past the first slots.
    for (const [i, alias] of PEOPLE.entries()) {
      for (let d = 1; d <= 7; d++) {
        const start = DateTime.fromISO(localDate(d), { zone: ZONE }).set({ hour: 9 + (i % 4) });
        await fetch(`${emulator.url}/_emulator/mailboxes/${alias}/items`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            folder: 'calendar',
            props: {
              'DAV:contentclass': 'urn:content-classes:appointment',
              'urn:schemas:httpmail:subject': 'Busy',
              'urn:schemas:calendar:uid': `b-${alias}-${d}`,
              'urn:schemas:calendar:dtstart': start.toUTC().toISO(),
              'urn:schemas:calendar:dtend': start.plus({ hours: 1 }).toUTC().toISO(),
              'urn:schemas:calendar:busystatus': 'BUSY',
            },
          }),
        });
      }
    }
    const browser = new TestBrowser(app.url);
    await browser.signIn('bench', 'bench-password-123');
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', latencyMs: LATENCY_MS }),
    });

    const from = localDate(1);
    const window = {
      start: DateTime.fromISO(from, { zone: ZONE }).set({ hour: 7 }).toUTC(),
      end: DateTime.fromISO(localDate(8), { zone: ZONE }).set({ hour: 20 }).toUTC(),
    };
    const roundTrips: number[] = [];
    for (let i = 0; i < 6; i++) roundTrips.push((await timed(() => ctx.gateway.freeBusy([`${PEOPLE[i]}@example.com`], window, 15))).ms);
    const all = [...PEOPLE.map((p) => `${p}@example.com`), 'bench@example.com', ...rooms.map((r) => r.email)];
    const fbAll: number[] = [];
    const fbCpu: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = await timed(() => ctx.gateway.freeBusy(all, window, 15));
      fbAll.push(t.ms);
      fbCpu.push(t.cpuMs);
    }
    const q = new URLSearchParams({
      required: PEOPLE.slice(0, 14)
        .map((p) => `${p}@example.com`)
        .join(','),
      optional: PEOPLE.slice(14)
        .map((p) => `${p}@example.com`)
        .join(','),
      duration: '60',
      people: '6',
      building: 'Building 1',
      from,
      subject: 'Bench',
    });
    const path = `/find-time?${q}`;
    const before = ctx.gateway.health().requests;
    const html = await (await browser.get(path)).text();
    const requests = ctx.gateway.health().requests - before;
    const proposals = (html.match(/class="card proposal"/g) ?? []).length;
    if (!proposals) throw new Error('find-time found nothing');
    const cookie = { cookie: `roombook.sid=${browser.cookie('roombook.sid')}`, csrf: '' };
    const result = await profiled('find-time', () =>
      load({ amount: SEARCHES }, [{ name: 'find-time', url: app.url, connections: 1, cookies: [cookie], paths: [path], gzip: true }]),
    );
    if (result.errors || result.groups[0]!.non2xx) throw new Error(`find-time: ${JSON.stringify(result.statuses)}`);
    const trip = median(roundTrips.slice(1));
    return {
      name: 'find a time (20 people + 50 rooms, 5 working days)',
      rows: [
        row(`one emulator round trip @${LATENCY_MS} ms (one mailbox, 5 days)`, trip, 'ms', ''),
        row(`find-a-time: Exchange requests per search (${proposals} proposals)`, requests, 'requests', '1 per batch'),
        row('find-a-time: p50', result.p50, 'ms', '< 1.5 × round trip', { value: result.p50 / trip, of: 'round trip' }),
        row(`free/busy of all ${all.length} mailboxes alone (the emulator's part)`, median(fbAll.slice(1)), 'ms', '', {
          value: median(fbAll.slice(1)) / trip,
          of: 'round trip',
        }),
        row(`free/busy of all ${all.length} mailboxes: the gateway's CPU (request and parse)`, median(fbCpu.slice(1)), 'ms', ''),
        row('find-a-time: app CPU per search', result.cpuMsPerRequest, 'ms', ''),
      ],
    };
  } finally {
    await app.close();
    emulator.close();
  }
}
