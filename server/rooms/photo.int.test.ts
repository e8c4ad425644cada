// A room's photo over real HTTP (issue 16): the admin uploads it on the room form (multipart, CSRF-checked), the room
// page shows it, /rooms/<id>/photo serves the bytes with safe caching headers; wrong files are refused with the
// form's errors, an employee cannot upload, and removing it deletes it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aRoom } from '../test/factories.ts';
import { signedIn, startTestApp, TestBrowser, type TestApp } from '../test/test-app.ts';
import { SAMPLE_JPEG, SAMPLE_PNG, SAMPLE_SVG } from './photo-samples.ts';

const photoForm = (altText: string | undefined, file?: { bytes: Buffer; name: string; type: string }) => {
  const form = new FormData();
  if (altText !== undefined) form.set('altText', altText);
  if (file) form.set('photo', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return form;
};
const png = { bytes: SAMPLE_PNG, name: 'room.png', type: 'image/png' };

describe('a room photo (issue 16)', () => {
  let app: TestApp;
  let alice: TestBrowser;
  let adam: TestBrowser;
  let roomId: number;
  const auditCount = (action: string) =>
    (app.ctx.db.prepare('SELECT count(*) AS n FROM audit_events WHERE action = ? AND entity_id = ?').get(action, String(roomId)) as { n: number }).n;

  before(async () => {
    app = await startTestApp({ DEMO_DATA: '0' });
    const { demoPeople } = await import('../test/factories.ts');
    await demoPeople(app.ctx);
    roomId = aRoom(app.ctx, { alias: 'severn' }).id;
    [alice, adam] = await signedIn(app.url, 'alice', 'adam');
  });
  after(async () => {
    await app.close();
  });

  test('none yet: the room page has no img, the photo URL answers 404, the admin form offers the upload', async () => {
    assert.doesNotMatch(await (await alice.get(`/rooms/${roomId}`)).text(), /class="room-photo"/);
    assert.equal((await alice.get(`/rooms/${roomId}/photo`)).status, 404);
    const form = await (await adam.get(`/admin/rooms/${roomId}/edit`)).text();
    assert.match(form, /id="room-photo"/);
    assert.match(form, new RegExp(`action="/admin/rooms/${roomId}/photo" enctype="multipart/form-data"`));
  });

  test('an employee cannot upload (403), nor can anyone without the session’s CSRF token', async () => {
    assert.equal((await alice.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('Blue wall', png))).status, 403);
    const forged = await adam.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('Blue wall', png), { csrf: false });
    assert.equal(forged.status, 403);
    const wrongToken = await adam.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('Blue wall', png), { csrf: 'forged' });
    assert.equal(wrongToken.status, 403);
    assert.equal((await alice.get(`/rooms/${roomId}/photo`)).status, 404);
  });

  test('a 3 MB file, an SVG named .png, a missing description are refused with the form’s errors, the description kept', async () => {
    const big = Buffer.concat([SAMPLE_JPEG.subarray(0, SAMPLE_JPEG.length - 2), Buffer.alloc(3 * 1024 * 1024), Buffer.from([0xff, 0xd9])]);
    const tooLarge = await adam.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('Long table', { bytes: big, name: 'big.jpg', type: 'image/jpeg' }));
    assert.equal(tooLarge.status, 422);
    const tooLargeHtml = await tooLarge.text();
    assert.match(tooLargeHtml, /larger than 2 MB/);
    assert.match(tooLargeHtml, /name="altText" type="text" maxlength="200" required value="Long table"/);

    const svg = await adam.postMultipart(
      `/admin/rooms/${roomId}/photo`,
      photoForm('Long <b>table</b>', { bytes: SAMPLE_SVG, name: 'room.png', type: 'image/png' }),
    );
    assert.equal(svg.status, 422);
    const svgHtml = await svg.text();
    assert.match(svgHtml, /not a JPEG, PNG or WebP image/);
    assert.match(svgHtml, /value="Long &lt;b&gt;table&lt;\/b&gt;"/);

    const noAlt = await adam.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('  ', png));
    assert.equal(noAlt.status, 422);
    assert.match(await noAlt.text(), /id="altText-error">Description of the photo is required/);

    const noFile = await adam.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('Blue wall'));
    assert.equal(noFile.status, 422);
    assert.match(await noFile.text(), /Choose a photo to upload/);
    assert.equal((await alice.get(`/rooms/${roomId}/photo`)).status, 404);
    assert.equal(auditCount('room.photo_updated'), 0);
  });

  test('a second file, a file under another field name or a body far over the limit is refused outright (400)', async () => {
    const two = photoForm('Blue wall', png);
    two.append('photo', new Blob([new Uint8Array(SAMPLE_PNG)], { type: 'image/png' }), 'again.png');
    assert.equal((await adam.postMultipart(`/admin/rooms/${roomId}/photo`, two)).status, 400);
    const other = photoForm('Blue wall');
    other.set('avatar', new Blob([new Uint8Array(SAMPLE_PNG)], { type: 'image/png' }), 'room.png');
    assert.equal((await adam.postMultipart(`/admin/rooms/${roomId}/photo`, other)).status, 400);
    const huge = await adam.postMultipart(
      `/admin/rooms/${roomId}/photo`,
      photoForm('Blue wall', { bytes: Buffer.alloc(6 * 1024 * 1024), name: 'big.png', type: 'image/png' }),
    );
    assert.equal(huge.status, 400);
    assert.match(await huge.text(), /The upload could not be read/);
    assert.equal((await alice.get(`/rooms/${roomId}/photo`)).status, 404);
  });

  test('the admin uploads: the room page shows the img; the photo URL serves the bytes with its headers; 304 when unchanged', async () => {
    const saved = await adam.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('Blue wall, yellow board', png));
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), `/admin/rooms/${roomId}/edit#room-photo`);
    assert.equal(auditCount('room.photo_updated'), 1);

    const page = await (await alice.get(`/rooms/${roomId}`)).text();
    const img = /<img src="([^"]+)" alt="Blue wall, yellow board" width="8" height="6" loading="lazy"[^>]*class="room-photo">/.exec(page);
    assert.ok(img, 'the room page shows the photo with its alt text and size');
    const res = await alice.get(img[1]!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(SAMPLE_PNG));
    const etag = res.headers.get('etag')!;
    assert.match(etag, /^"[\w-]+"$/);
    assert.ok(!Number.isNaN(Date.parse(res.headers.get('last-modified') ?? '')));
    // fetch() adds "Cache-Control: no-cache" to a conditional request unless one is given; a browser revalidating sends max-age=0.
    assert.equal((await alice.get(`/rooms/${roomId}/photo`, { 'if-none-match': etag, 'cache-control': 'max-age=0' })).status, 304);
    // The signed-out world gets nothing.
    assert.equal((await new TestBrowser(app.url).get(`/rooms/${roomId}/photo`)).status, 303);
  });

  test('replacing gives a new version (new URL and ETag); only the description can change too', async () => {
    const before = /src="(\/rooms\/\d+\/photo\?v=[^"]+)"/.exec(await (await alice.get(`/rooms/${roomId}`)).text())![1];
    assert.equal(
      (
        await adam.postMultipart(
          `/admin/rooms/${roomId}/photo`,
          photoForm('Long table', { bytes: SAMPLE_JPEG, name: 'x.bin', type: 'application/octet-stream' }),
        )
      ).status,
      303,
    );
    const page = await (await alice.get(`/rooms/${roomId}`)).text();
    const now = /src="(\/rooms\/\d+\/photo\?v=[^"]+)"/.exec(page)![1];
    assert.notEqual(now, before);
    const res = await alice.get(now!);
    assert.equal(res.headers.get('content-type'), 'image/jpeg', 'the type comes from the bytes, not the declared type');
    assert.equal((await adam.postMultipart(`/admin/rooms/${roomId}/photo`, photoForm('Long table for 12'))).status, 303);
    assert.match(await (await alice.get(`/rooms/${roomId}`)).text(), /alt="Long table for 12"/);
  });

  test('removing deletes it: 404 again, no img, audited', async () => {
    const res = await adam.post(`/admin/rooms/${roomId}/photo/delete`, {});
    assert.equal(res.status, 303);
    assert.equal((await alice.get(`/rooms/${roomId}/photo`)).status, 404);
    assert.doesNotMatch(await (await alice.get(`/rooms/${roomId}`)).text(), /class="room-photo"/);
    assert.equal(auditCount('room.photo_removed'), 1);
    assert.equal((app.ctx.db.prepare('SELECT count(*) AS n FROM room_photos').get() as { n: number }).n, 0);
  });
});
