import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toNumbered } from './pg-sync.ts';

test('? and @name become $n outside strings, identifiers and comments; a name used twice is one $n', () => {
  assert.deepEqual(toNumbered('SELECT * FROM t WHERE a = ? AND b > ?'), {
    text: 'SELECT * FROM t WHERE a = $1 AND b > $2',
    slots: [
      { kind: 'index', index: 0 },
      { kind: 'index', index: 1 },
    ],
  });
  const named = toNumbered('UPDATE t SET a = @a, b = @b WHERE id = @id AND (@a IS NULL OR a != @a)');
  assert.equal(named.text, 'UPDATE t SET a = $1, b = $2 WHERE id = $3 AND ($1 IS NULL OR a != $1)');
  assert.deepEqual(
    named.slots.map((s) => (s.kind === 'name' ? s.name : s.index)),
    ['a', 'b', 'id'],
  );
  assert.equal(
    toNumbered(`SELECT '?' , "a?", 'it''s @x' -- the series' dates? @y\n FROM t WHERE x = ? /* ? @z */ AND y = CAST(@v AS json)`).text,
    `SELECT '?' , "a?", 'it''s @x' -- the series' dates? @y\n FROM t WHERE x = $1 /* ? @z */ AND y = CAST($2 AS json)`,
  );
});
