// The emulator's own OWA Cmd=freebusy for 500 and 5,000 room mailboxes, asked in parallel batches of 200 as the
// gateway does (issue 13): how long the
// emulator takes to answer, as a multiple of a single-room request measured in the same run. Rooms are loaded through
// the control API (PUT /org) and given a day's bookings plus some history, so both the address lookup and the
// per-calendar scan are exercised. The emulator runs in this process without latency faults: only its CPU is measured.
import { startEmulator } from '../../emulator/index.ts';
import type { BenchReport, BenchRow } from './run.ts';

const DAY = '2030-06-12';
const PER_ROOM_DAY = 2;
const PER_ROOM_PAST = 8;
const RUNS = 7;
const BATCH = 200;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(rooms: number): Promise<BenchRow[]> {
  const emu = await startEmulator({ controlApi: true });
  try {
    const mailboxes = [
      { alias: 'booking-svc', smtp: 'booking-svc@example.com', displayName: 'Booking service', kind: 'service', password: 'demo' },
      ...Array.from({ length: rooms }, (_, i) => ({ alias: `room${i}`, smtp: `room${i}@example.com`, displayName: `Room ${i}`, kind: 'room' })),
    ];
    const put = await fetch(`${emu.url}/_emulator/org`, {
      method: 'PUT',
      body: JSON.stringify({ mailboxes, delegates: [{ account: 'booking-svc', mailboxes: ['*'] }] }),
    });
    if (!put.ok) throw new Error(`PUT /org: ${put.status} ${await put.text()}`);
    const seeds: { alias: string; start: string; end: string }[] = [];
    for (let i = 0; i < rooms; i++) {
      for (let k = 0; k < PER_ROOM_DAY; k++) {
        const h = 8 + ((i + k * 3) % 9);
        seeds.push({ alias: `room${i}`, start: `${DAY}T${String(h).padStart(2, '0')}:00:00.000Z`, end: `${DAY}T${String(h).padStart(2, '0')}:45:00.000Z` });
      }
      for (let k = 0; k < PER_ROOM_PAST; k++) {
        const d = String(1 + k).padStart(2, '0');
        seeds.push({ alias: `room${i}`, start: `2030-05-${d}T10:00:00.000Z`, end: `2030-05-${d}T11:00:00.000Z` });
      }
    }
    // A few requests in flight at a time: seeding is not what is measured.
    for (let at = 0; at < seeds.length; at += 32) {
      await Promise.all(
        seeds.slice(at, at + 32).map(async (s) => {
          const res = await fetch(`${emu.url}/_emulator/mailboxes/${s.alias}/items`, {
            method: 'POST',
            body: JSON.stringify({
              folder: 'calendar',
              props: { 'urn:schemas:calendar:dtstart': s.start, 'urn:schemas:calendar:dtend': s.end, 'urn:schemas:httpmail:subject': 'bench' },
            }),
          });
          if (res.status !== 201) throw new Error(`seed: ${res.status} ${await res.text()}`);
        }),
      );
    }
    // `end`: the window's end (HH:mm). The emulator keeps answers per window until its store changes, so a window
    // never asked before measures the work of answering, and one asked again what a repeated search costs it.
    const request = async (from: number, count: number, end = '20:00'): Promise<void> => {
      const us = Array.from({ length: count }, (_, i) => `u=SMTP:room${from + i}@example.com`).join('&');
      const res = await fetch(`${emu.url}/public/?Cmd=freebusy&start=${DAY}T07:00:00Z&end=${DAY}T${end}:00Z&interval=15&${us}`, {
        headers: {
          Authorization: `Basic ${Buffer.from('booking-svc:demo').toString('base64')}`,
          'User-Agent': 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)',
        },
      });
      const body = await res.text();
      if (res.status !== 200 || !body.includes(`room${from + count - 1}@example.com`)) throw new Error(`freebusy: ${res.status}`);
    };
    // As the app's gateway asks: batches of BATCH addresses (its default), all in flight at once.
    const fb = async (count: number, end?: string): Promise<number> => {
      const started = performance.now();
      const batches: Promise<void>[] = [];
      for (let at = 0; at < count; at += BATCH) batches.push(request(at, Math.min(BATCH, count - at), end));
      await Promise.all(batches);
      return performance.now() - started;
    };
    await fb(1);
    await fb(rooms); // warm-up
    const single: number[] = [];
    const all: number[] = [];
    // CPU time of this process (the emulator, plus the small cost of the requests and reading the answers) per
    // all-rooms answer: unlike wall time, it hardly moves when other work shares the machine.
    let cpuMs = 0;
    const fresh: number[] = [];
    let freshCpuMs = 0;
    for (let r = 0; r < RUNS; r++) {
      single.push(await fb(1));
      const before = process.cpuUsage();
      all.push(await fb(rooms));
      const used = process.cpuUsage(before);
      cpuMs += (used.user + used.system) / 1000;
      // A window no run asked before: 20:15, 20:30, …
      const minutes = 20 * 60 + 15 * (r + 1);
      const end = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      const beforeFresh = process.cpuUsage();
      fresh.push(await fb(rooms, end));
      const usedFresh = process.cpuUsage(beforeFresh);
      freshCpuMs += (usedFresh.user + usedFresh.system) / 1000;
    }
    const one = median(single);
    const many = median(all);
    const first = median(fresh);
    return [
      { figure: `emulator free/busy, 1 room (of ${rooms}), p50`, value: one, unit: 'ms', target: 'the round trip' },
      {
        figure: `emulator free/busy, ${rooms} rooms in batches of 200, asked again, p50`,
        value: many,
        unit: 'ms',
        target: 'grows with rooms, not rooms²',
        ratio: { value: many / one, of: '1-room request' },
      },
      { figure: `emulator free/busy, ${rooms} rooms: CPU per answer (this process)`, value: cpuMs / RUNS, unit: 'ms', target: '' },
      {
        figure: `emulator free/busy, ${rooms} rooms, a window not asked before, p50`,
        value: first,
        unit: 'ms',
        target: '',
        ratio: { value: first / one, of: '1-room request' },
      },
      { figure: `emulator free/busy, ${rooms} rooms, a window not asked before: CPU per answer`, value: freshCpuMs / RUNS, unit: 'ms', target: '' },
    ];
  } finally {
    await emu.close();
  }
}

export async function run(): Promise<BenchReport> {
  return { name: 'emulator free/busy (issue 13)', rows: [...(await measure(500)), ...(await measure(5000))] };
}
