// The load generator, run as a child process by the benches so its CPU is not counted as the server's. Reads one
// JSON plan from argv[2], runs every group at once with autocannon, and prints one JSON line with the results.
//   plan: { durationSec | amount (requests per connection), groups: [{ name, url, connections, rate?, cookies: [{ cookie, csrf }], gzip?, paths?: [..],
//           kind?: 'get' | 'book', book?: { rooms: [id], dates: [yyyy-MM-dd] } }] }
// Latencies are collected from every response (autocannon's own histograms are per instance).
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';

const plan = JSON.parse(process.argv[2]);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const pad = (n) => String(n).padStart(2, '0');
const latencies = [];
const statuses = {};
let errors = 0;

function requestsFor(g) {
  if (g.kind === 'book') {
    // Create a booking at a random room and quarter hour, then move it by a quarter hour (a change): the created
    // booking's id comes from the 303 Location. A 409 (slot just taken) is a correct answer, not an error.
    const slot = () => {
      const minutes = 8 * 60 + 15 * Math.floor(Math.random() * 36);
      return { start: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`, end: `${pad(Math.floor((minutes + 30) / 60))}:${pad((minutes + 30) % 60)}` };
    };
    const form = (fields) => new URLSearchParams({ subject: 'Load test', description: '', required: '', optional: '', ...fields }).toString();
    return [
      {
        method: 'POST',
        path: '/bookings',
        setupRequest: (req, context) => {
          context.roomId = String(pick(g.book.rooms));
          context.date = pick(g.book.dates);
          return {
            ...req,
            headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' },
            body: form({ roomId: context.roomId, date: context.date, ...slot(), idempotencyKey: randomBytes(16).toString('base64url') }),
          };
        },
        onResponse: (status, _body, context, headers) => {
          const m = status === 303 ? /\/bookings\/(\d+)/.exec(headers.location ?? '') : null;
          context.id = m ? m[1] : null;
        },
      },
      {
        method: 'POST',
        path: '/bookings',
        setupRequest: (req, context) => {
          // Nothing was created (slot taken): book again instead of changing.
          if (!context.id)
            return {
              ...req,
              path: '/bookings',
              headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' },
              body: form({ roomId: String(pick(g.book.rooms)), date: pick(g.book.dates), ...slot(), idempotencyKey: randomBytes(16).toString('base64url') }),
            };
          return {
            ...req,
            path: `/bookings/${context.id}`,
            headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' },
            body: form({ roomId: context.roomId, date: context.date, ...slot() }),
          };
        },
      },
    ];
  }
  return [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pick(g.paths) }) }];
}

/**
 * A paced group (`rate`: requests a second per connection) is one autocannon instance per connection, each started
 * at its own moment within the first period, spread evenly. autocannon starts every connection's clock at once, so
 * 200 "users" of one instance asked in the same millisecond every second: the p95 measured how long the server took
 * to drain that burst, not what a person waits for (people do not click in step). Unpaced groups (as many requests
 * as the server answers) stay one instance.
 */
async function runGroup(g) {
  if (!g.rate || g.connections === 1) return runInstance(g, g.connections, g.cookies ?? [], 0);
  const period = 1000 / g.rate;
  const parts = await Promise.all(
    Array.from({ length: g.connections }, (_, i) => {
      const who = g.cookies?.length ? [g.cookies[i % g.cookies.length]] : [];
      return new Promise((resolve) => setTimeout(resolve, (i * period) / g.connections)).then(() => runInstance(g, 1, who, i));
    }),
  );
  const own = parts.flatMap((p) => p.own).sort((a, b) => a - b);
  const sum = (k) => parts.reduce((n, p) => n + p[k], 0);
  return { name: g.name, requests: sum('requests'), errors: sum('errors'), timeouts: sum('timeouts'), non2xx: sum('non2xx'), ...percentiles(own) };
}

function runInstance(g, connections, cookies, offset) {
  let next = offset;
  // This group's own latencies too: the mixed bench names the group that makes the overall p95.
  const own = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: g.url,
        connections,
        ...(plan.amount ? { amount: plan.amount * connections } : { duration: plan.durationSec }),
        connectionRate: g.rate,
        headers: { accept: 'text/html', ...(g.gzip ? { 'accept-encoding': 'gzip' } : {}) },
        requests: requestsFor(g),
        // One signed-in user per connection (cookie and CSRF token), as the group's cookies list gives them.
        setupClient: (client) => {
          const who = cookies.length ? cookies[next++ % cookies.length] : null;
          if (who)
            client.setHeaders({
              accept: 'text/html',
              ...(g.gzip ? { 'accept-encoding': 'gzip' } : {}),
              cookie: who.cookie,
              ...(who.csrf ? { 'x-csrf-token': who.csrf } : {}),
            });
        },
      },
      (err, result) =>
        err
          ? reject(err)
          : resolve({
              name: g.name,
              requests: result.requests.total,
              errors: result.errors,
              timeouts: result.timeouts,
              non2xx: result.non2xx,
              own,
              ...percentiles([...own].sort((a, b) => a - b)),
            }),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      own.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
    instance.on('reqError', () => errors++);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
function percentiles(sorted) {
  return { p50: pct(sorted, 50), p95: pct(sorted, 95), p99: pct(sorted, 99) };
}

const results = (await Promise.all(plan.groups.map(runGroup))).map(({ own, ...r }) => r);
latencies.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ groups: results, statuses, errors, responses: latencies.length, ...percentiles(latencies) }) + '\n');
