// Which files of server/ run on the send path of one booking, from the POST of the booking form to the MOVE to the
// submission URI: `npx tsx scripts/send-path-files.ts`. Measured, not read: V8's precise coverage counts the calls of
// every function between two marks, after a first booking has loaded every module and filled every cache, so the
// list holds exactly the files whose code the second booking executed (the HTTP stack's middleware included; the
// in-process emulator left out). Prints the request's files (POST to the commit) and the worker's (claim to MOVE).
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
// Imported only now: code compiled before coverage started would not be counted reliably.
const { DateTime } = await import('luxon');
const { demoPeople, someRooms } = await import('../server/test/factories.ts');
const { startTestApp, TestBrowser } = await import('../server/test/test-app.ts');

/** Files under server/ (no tests, no emulator) with a function called since the last mark; the mark is reset. */
async function filesSinceMark(): Promise<string[]> {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  const files = new Set<string>();
  for (const script of result) {
    if (!script.url.startsWith('file://')) continue;
    const file = fileURLToPath(script.url).slice(root.length);
    if (!file.startsWith('server/') || file.startsWith('server/test/') || file.includes('.test.')) continue;
    if (script.functions.some((f) => f.ranges.some((r) => r.count > 0))) files.add(file);
  }
  return [...files].sort();
}

const app = await startTestApp({ DEMO_DATA: '0' });
await demoPeople(app.ctx);
const rooms = someRooms(app.ctx, { trent: {}, avon: {} });
const alice = new TestBrowser(app.url);
await alice.signIn('alice');
const day = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toFormat('yyyy-MM-dd');

async function book(alias: string, start: string, end: string): Promise<void> {
  const roomId = String(rooms.get(alias)!.id);
  const form = await (await alice.get(`/bookings/new?roomId=${roomId}&date=${day}&start=${start}&end=${end}`)).text();
  const idempotencyKey = /name="idempotencyKey" value="([^"]+)"/.exec(form)![1]!;
  // The form's own CSRF token: without it the test browser would fetch one from the home page inside the window.
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
  await filesSinceMark();
  const fields = { roomId, date: day, start, end, subject: 'Planning', description: '', required: 'bob@example.com', optional: '', idempotencyKey };
  const res = await alice.post('/bookings', fields, { csrf });
  if (res.status !== 303) throw new Error(`the booking form answered ${res.status}`);
}

await book('avon', '10:00', '11:00'); // warm-up: modules loaded, folders discovered, caches filled
await app.worker.drain();
// The warm-up's room check (a timer the worker set) must not run inside the measured booking.
await app.reconciler.stop();
await book('trent', '12:00', '13:00');
const request = await filesSinceMark();
await app.worker.drain();
const worker = await filesSinceMark();
await app.close();

/**
 * What every request or every Exchange call runs whatever it carries, and the create's "is the slot taken?" check
 * (free/busy and the room's calendar), told apart from the path the booking itself takes (the rest).
 */
const AROUND: [string, RegExp][] = [
  ['every request (middleware, session, language, metrics, the signed-in user)', /^server\/(app|context|start)\.ts$|^server\/(http|i18n|auth|ops|users|db)\//],
  [
    'every Exchange request (HTTP client, auth, XML, errors, property names)',
    /^server\/exchange\/(transport|wire|xml|errors|dates|text-rules|addresses|properties)\.ts$|^server\/exchange\/(auth\/|dav\/(answer|multistatus)\.ts$)/,
  ],
  ['the taken check (free/busy, the room calendar SEARCH)', /^server\/exchange\/(owa\/freebusy|owa\/freebusy-data|owa\/language|calendar|dav\/search)\.ts$/],
  ['the audit row every change writes', /^server\/audit\//],
  ['the rooms read (the booked room)', /^server\/rooms\//],
];
function print(title: string, files: string[]): void {
  const around = AROUND.map(([what, re]) => [what, files.filter((f) => re.test(f))] as const);
  const path = files.filter((f) => !AROUND.some(([, re]) => re.test(f)));
  console.log(`${title}: ${files.length} files ran; the booking's own path ${path.length}:`);
  for (const f of path) console.log(`  ${f}`);
  for (const [what, list] of around) if (list.length) console.log(`  + ${list.length} for ${what}: ${list.join(' ')}`);
}
print('request (POST /bookings to the commit)', request);
print('worker (claim to the MOVE, the booking marked booked)', worker);
print('both', [...new Set([...request, ...worker])].sort());
