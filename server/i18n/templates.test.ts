// Fails when a template shows text that does not come from the catalogs (issue 17): every text node and every
// attribute a person reads (title, placeholder, aria-label, alt, a button's value) must be EJS output, i.e. t(…)
// or data, never words typed into the template. Also checks that every literal t('key') in views/ and server/
// names a key of the English catalog.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CATALOGS } from './catalog.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function files(dir: string, ext: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith(ext))
    .map((d) => relative(ROOT, join(d.parentPath, d.name)));
}

/** The template with every EJS tag replaced by a placeholder that holds no letters. */
const withoutEjs = (src: string) => src.replace(/<%[\s\S]*?%>/g, '\u0001');

/** Literal text a reader sees: text nodes and the readable attributes, with letters in them. */
export function visibleLiterals(src: string): string[] {
  const html = withoutEjs(src)
    // Comments, scripts and styles carry no visible text.
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<!doctype[^>]*>/gi, '')
    // <code> shows technical literals (headers, query syntax) that stay the same in every language.
    .replace(/<code\b[^>]*>[^<]*<\/code>/gi, '<code></code>');
  const found: string[] = [];
  // Letters, once entities and the names that are the same in every language (the UTC zone) are taken out.
  const NEVER_TRANSLATED = /&[a-z]+;|&#\d+;|\bUTC\b/g;
  const letters = { test: (s: string) => /\p{L}/u.test(s.replace(NEVER_TRANSLATED, '')) };
  // Text between tags.
  for (const m of html.matchAll(/>([^<]+)</g)) {
    const text = m[1]!.replace(/\u0001/g, ' ').trim();
    if (letters.test(text)) found.push(text);
  }
  // Readable attributes. A button's or submit input's value is read too.
  for (const tag of html.matchAll(/<([a-z][a-z0-9-]*)\b([^>]*)>/gi)) {
    const [, name, attrs] = tag;
    for (const a of attrs!.matchAll(/\b(title|placeholder|aria-label|alt|value|label)\s*=\s*"([^"]*)"/gi)) {
      const attr = a[1]!.toLowerCase();
      if (attr === 'value' && !/^(button|input)$/i.test(name!)) continue;
      if (attr === 'value' && /^input$/i.test(name!) && !/type\s*=\s*"(submit|button|reset)"/i.test(attrs!)) continue;
      const text = a[2]!.replace(/\u0001/g, ' ').trim();
      if (letters.test(text)) found.push(`${attr}="${text}"`);
    }
  }
  return found;
}

test('the scanner finds typed text and lets EJS output pass', () => {
  assert.deepEqual(visibleLiterals('<p>Hello <%= name %></p>'), ['Hello']);
  assert.deepEqual(visibleLiterals('<p><%= t("x") %> · <%= y %></p>'), []);
  assert.deepEqual(visibleLiterals('<a title="Open" aria-label="<%= t(\'k\') %>">›</a>'), ['title="Open"']);
  assert.deepEqual(visibleLiterals('<input type="submit" value="Go"><input name="q" value="<%= v %>">'), ['value="Go"']);
  assert.deepEqual(visibleLiterals('<%# a comment with words %><!-- words --><script>const a = "b";</script>'), []);
});

test('no template shows text outside the catalogs', () => {
  const problems = files('views', '.ejs').flatMap((f) => visibleLiterals(readFileSync(join(ROOT, f), 'utf8')).map((text) => `${f}: ${text}`));
  assert.deepEqual(problems, [], `convert these to t('…') and add the keys to locales/en.json and locales/hu.json:\n${problems.join('\n')}`);
});

/** Words passed as literals to partials inside EJS code, e.g. include('input', { label: 'Date' }) or hint: '…'. */
export function literalPartialText(src: string): string[] {
  const found: string[] = [];
  for (const tag of src.matchAll(/<%[-=]?([\s\S]*?)%>/g)) {
    for (const m of tag[1]!.matchAll(/\b(label|hint|title|caption|first|heading|empty|legend)\s*:\s*'([^']*)'/g)) {
      if (/\p{L}{2,}/u.test(m[2]!)) found.push(`${m[1]}: '${m[2]}'`);
    }
  }
  return found;
}

test('no template passes typed words to a partial (label:, hint:, title: …)', () => {
  assert.deepEqual(literalPartialText("<%- include('x', { label: 'Date', hint: t('k'), type: 'date' }) %>"), ["label: 'Date'"]);
  const problems = files('views', '.ejs').flatMap((f) => literalPartialText(readFileSync(join(ROOT, f), 'utf8')).map((text) => `${f}: ${text}`));
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('every literal t(…) key in views/ and server/ exists in the catalogs', () => {
  const sources = [...files('views', '.ejs'), ...files('server', '.ts').filter((f) => !f.endsWith('.test.ts'))];
  const missing: string[] = [];
  for (const f of sources) {
    const src = readFileSync(join(ROOT, f), 'utf8');
    for (const m of src.matchAll(/\b(?:t|tFor|msg|storedMessage)\(\s*(?:[a-zA-Z.]+,\s*)?'([a-z][a-z0-9_.]*[a-z0-9_])'/g)) {
      if (!(m[1]! in CATALOGS.en)) missing.push(`${f}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
