// The session layer's own promises (session.ts), over real HTTP with rows that can be damaged or made to fail: a row
// that is not JSON is no session (not an error page), a save that fails while the answer goes out still lets the
// answer out and is reported, a store that cannot be read is an error, regenerate() and destroy() remove the old row.
// The app-level behaviour (no rows for anonymous pages, the roll, the purge, cookies from before) is in
// ops/sessions.int.test.ts.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sessions, type SessionRows } from './session.ts';

const NAME = 't.sid';
type Fields = { n?: number };
const fields = (req: Request) => req.session as unknown as Fields;

describe('the session layer', () => {
  const stored = new Map<string, { data: string; expiresAt: number }>();
  const failing = { read: false, write: false };
  const saveErrors: unknown[] = [];
  const rows: SessionRows = {
    read(sid, now) {
      if (failing.read) throw new Error('the disk is gone');
      const row = stored.get(sid);
      return row && row.expiresAt > now ? row : undefined;
    },
    write(sid, data, expiresAt) {
      if (failing.write) throw new Error('the disk is full');
      stored.set(sid, { data, expiresAt });
    },
    remove(sid) {
      stored.delete(sid);
    },
  };
  let url = '';
  let close = () => {};

  before(async () => {
    const app = express();
    app.use(sessions(rows, { name: NAME, secret: 's'.repeat(40), idleMs: 3_600_000, rollEveryMs: 60_000, onSaveError: (err) => saveErrors.push(err) }));
    app.get('/set', (req, res) => {
      fields(req).n = Number(req.query.n);
      res.send('set');
    });
    app.get('/get', (req, res) => void res.json({ n: fields(req).n ?? null, id: req.sessionID }));
    app.get('/regenerate', (req, res, next) =>
      req.session.regenerate((err) => {
        if (err) return next(err);
        fields(req).n = 99;
        res.send('regenerated');
      }),
    );
    app.get('/destroy', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('destroyed'))));
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => void res.status(500).send(err.message));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  /** GET with a cookie; the session cookie the answer sets (name=value), if any. */
  const get = async (path: string, cookie?: string) => {
    const res = await fetch(`${url}${path}`, { headers: cookie ? { cookie } : {} });
    const set = res.headers.getSetCookie().find((c) => c.startsWith(`${NAME}=`));
    return { status: res.status, body: await res.text(), cookie: set?.split(';')[0] };
  };
  const idOf = (cookie: string) =>
    decodeURIComponent(cookie.slice(NAME.length + 1))
      .replace(/^s:/, '')
      .replace(/\.[^.]*$/, '');

  test('a row that is not JSON is no session: the page answers, and a save replaces the row', async () => {
    const first = await get('/set?n=1');
    assert.ok(first.cookie);
    const sid = idOf(first.cookie);
    stored.set(sid, { data: '{"n":1', expiresAt: Date.now() + 60_000 });
    const damaged = await get('/get', first.cookie);
    assert.equal(damaged.status, 200);
    assert.equal((JSON.parse(damaged.body) as { n: number | null }).n, null, 'the damaged row is not read as a session');
    const again = await get('/set?n=2', first.cookie);
    assert.ok(again.cookie, 'the new session gets its own cookie');
    assert.notEqual(idOf(again.cookie), sid, 'a new id, not the damaged one');
    assert.equal(stored.get(idOf(again.cookie))?.data, '{"n":2}');
  });

  test('a save that fails as the answer goes out: the answer still arrives, the failure is reported, the old session stays', async () => {
    const first = await get('/set?n=5');
    const sid = idOf(first.cookie!);
    failing.write = true;
    try {
      const res = await get('/set?n=6', first.cookie);
      assert.equal(res.status, 200);
      assert.equal(res.body, 'set');
      assert.equal(res.cookie, undefined, 'no cookie for a session that was not saved');
      assert.match(String(saveErrors.at(-1)), /the disk is full/);
    } finally {
      failing.write = false;
    }
    assert.equal((JSON.parse((await get('/get', first.cookie)).body) as { n: number }).n, 5);
    assert.equal(stored.get(sid)?.data, '{"n":5}');
  });

  test('a store that cannot be read is an error, never a silently anonymous request', async () => {
    const first = await get('/set?n=7');
    failing.read = true;
    try {
      const res = await get('/get', first.cookie);
      assert.equal(res.status, 500);
      assert.match(res.body, /the disk is gone/);
    } finally {
      failing.read = false;
    }
  });

  test('regenerate() removes the old row and sends the new id; destroy() removes the row and sends nothing', async () => {
    const first = await get('/set?n=8');
    const oldId = idOf(first.cookie!);
    const moved = await get('/regenerate', first.cookie);
    assert.ok(moved.cookie);
    const newId = idOf(moved.cookie);
    assert.notEqual(newId, oldId);
    assert.equal(stored.has(oldId), false, 'the old row is gone: its cookie signs nothing in');
    assert.equal(stored.get(newId)?.data, '{"n":99}');
    assert.equal((JSON.parse((await get('/get', first.cookie)).body) as { n: number | null }).n, null);

    const gone = await get('/destroy', moved.cookie);
    assert.equal(gone.body, 'destroyed');
    assert.equal(gone.cookie, undefined);
    assert.equal(stored.has(newId), false);
  });

  test('a cookie with a signature for another id is refused: its id is never read', async () => {
    const a = await get('/set?n=10');
    const b = await get('/set?n=11');
    const [, signatureA] = /\.([^.]*)$/.exec(decodeURIComponent(a.cookie!))!;
    const forged = `${NAME}=${encodeURIComponent(`s:${idOf(b.cookie!)}.${signatureA}`)}`;
    const res = JSON.parse((await get('/get', forged)).body) as { n: number | null; id: string };
    assert.equal(res.n, null);
    assert.notEqual(res.id, idOf(b.cookie!));
  });
});
