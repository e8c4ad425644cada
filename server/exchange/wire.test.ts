import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf } from './wire.ts';

test('commandOf() reads Cmd= (or cmd=) as a whole parameter name, as URLSearchParams did, from a long query', () => {
  const us = Array.from({ length: 300 }, (_, i) => `u=SMTP%3Aroom${i}%40example.com`).join('&');
  for (const [path, expected] of [
    [`/public/?Cmd=freebusy&start=x&${us}`, 'freebusy'],
    [`/public/?start=x&cmd=freebusy&${us}`, 'freebusy'],
    ['/exchange/alice/Drafts/?Cmd=sendappt', 'sendappt'],
    ['/exchange/alice/?xCmd=open&Cmd=edit', 'edit'],
    ['/exchange/alice/?Cmd=a%20b+c', 'a b c'],
    ['/exchange/alice/?Cmd=', ''],
    ['/exchange/alice/?command=open', undefined],
    ['/exchange/alice/Calendar/', undefined],
  ] as const) {
    assert.equal(commandOf(path), expected, path);
    const q = path.indexOf('?');
    if (q >= 0 && expected !== undefined) {
      const p = new URLSearchParams(path.slice(q + 1));
      assert.equal(commandOf(path), p.get('Cmd') ?? p.get('cmd'), `as URLSearchParams: ${path}`);
    }
  }
});
