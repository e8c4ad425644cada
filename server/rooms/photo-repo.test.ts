// The room photo's repository (migration 0019, PostgreSQL 0009) on SQLite and on PostgreSQL: the bytes come back
// exactly (BLOB and bytea), saving again replaces, deleting the room deletes its photo.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { onBothEngines } from '../test/both-engines.ts';
import { aRoom, AT } from '../test/repo-fixtures.ts';
import { deleteRoomPhotoRow, findRoomPhoto, findRoomPhotoMeta, saveRoomPhotoRow } from './photo.repo.ts';
import { SAMPLE_JPEG, SAMPLE_PNG } from './photo-samples.ts';

onBothEngines('room photos', (engine) => {
  beforeEach(() => engine().reset());

  test('none, saved, replaced (bytes byte for byte), deleted; the room’s deletion takes its photo along', () => {
    const { db } = engine();
    const room = aRoom(db);
    assert.equal(findRoomPhoto(db, room.id), null);
    assert.equal(findRoomPhotoMeta(db, room.id), null);
    saveRoomPhotoRow(db, room.id, { contentType: 'image/png', bytes: SAMPLE_PNG, altText: 'Blue wall', width: 8, height: 6, updatedAt: AT });
    const first = findRoomPhoto(db, room.id)!;
    assert.ok(Buffer.isBuffer(first.bytes));
    assert.ok(first.bytes.equals(SAMPLE_PNG));
    saveRoomPhotoRow(db, room.id, {
      contentType: 'image/jpeg',
      bytes: SAMPLE_JPEG,
      altText: 'Long table',
      width: 8,
      height: 6,
      updatedAt: '2026-12-02T10:00:00.000Z',
    });
    assert.deepEqual(findRoomPhotoMeta(db, room.id), {
      contentType: 'image/jpeg',
      altText: 'Long table',
      width: 8,
      height: 6,
      updatedAt: '2026-12-02T10:00:00.000Z',
    });
    assert.ok(findRoomPhoto(db, room.id)!.bytes.equals(SAMPLE_JPEG));
    assert.equal(deleteRoomPhotoRow(db, room.id), true);
    assert.equal(deleteRoomPhotoRow(db, room.id), false);
    assert.equal(findRoomPhoto(db, room.id), null);

    saveRoomPhotoRow(db, room.id, { contentType: 'image/png', bytes: SAMPLE_PNG, altText: 'Blue wall', width: 8, height: 6, updatedAt: AT });
    db.prepare('DELETE FROM rooms WHERE id = ?').run(room.id);
    assert.equal(findRoomPhotoMeta(db, room.id), null);
  });
});
