import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberPlaceholders } from './postgres.ts';

test('? placeholders become $1, $2… outside quoted strings and identifiers', () => {
  assert.equal(numberPlaceholders('SELECT a FROM t WHERE b = ? AND c > ?'), 'SELECT a FROM t WHERE b = $1 AND c > $2');
  assert.equal(numberPlaceholders(`SELECT '?' AS q, "a?" FROM t WHERE x = ?`), `SELECT '?' AS q, "a?" FROM t WHERE x = $1`);
  assert.equal(numberPlaceholders(`SELECT 'it''s ?' WHERE y = ?`), `SELECT 'it''s ?' WHERE y = $1`);
});
