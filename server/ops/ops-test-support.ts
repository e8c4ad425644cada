// Helpers shared by the ops integration tests (not a test file itself).
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import type { TestBrowser } from '../test/test-app.ts';

export const ZONE = 'Europe/London';
/** A day at least two days ahead, so "not in the past" and the horizon never flake. */
export const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toFormat('yyyy-MM-dd');

/** Polls `probe` until it returns a value, or fails after `timeoutMs` with the last value seen. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export async function roomIds(b: TestBrowser): Promise<Map<string, string>> {
  const html = await (await b.get('/rooms')).text();
  return new Map([...html.matchAll(/href="\/rooms\/(\d+)">([^<]+)</g)].map((m) => [m[2]!.toLowerCase(), m[1]!]));
}

/** Books through the form like a person would; answers the POST's response. */
export async function book(b: TestBrowser, roomId: string, start: string, end: string, date = day): Promise<Response> {
  const form = await (await b.get(`/bookings/new?roomId=${roomId}&date=${date}&start=${start}&end=${end}`)).text();
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
  return b.post(
    '/bookings',
    { roomId, date, start, end, subject: 'Planning', description: 'Agenda', required: 'bob@example.com', optional: '', idempotencyKey: key },
    { csrf },
  );
}
