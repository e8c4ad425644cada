// The HTML of one timeline row, kept per distinct row: after a booking changes, a 200-room day view re-renders only
// the rows whose model changed (the rest are the same strings as before). Rendering and escaping every row was most
// of a rebuild. The row's model (RowView, plain data) is its own key, so nothing can go stale: same model, same HTML.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { RenderedRow, RowView } from './present.ts';
import { currentLocale, t } from '../i18n/context.ts';

const FILE = fileURLToPath(new URL('../../views/schedule/_row.ejs', import.meta.url));
/** Enough for a few days' views of a large site (a 200-room day is 200 rows; a row is ~2 KB). */
const MAX_ROWS = 4000;

let template: ejs.TemplateFunction | null = null;
const rows = new Map<string, string>();

export function rowHtml(r: RowView | RenderedRow): string {
  if ('html' in r) return r.html;
  // The template's own words (e.g. "Free") follow the request's language, so the language is part of the key.
  const key = `${currentLocale()}|${JSON.stringify(r)}`;
  let html = rows.get(key);
  if (html === undefined) {
    html = render(r);
    if (rows.size >= MAX_ROWS) rows.delete(rows.keys().next().value!);
    rows.set(key, html);
  }
  return html;
}

function render(r: RowView): string {
  // Compiled once per process, like the production view cache (the file is read again after a restart).
  template ??= ejs.compile(readFileSync(FILE, 'utf8'), { filename: FILE });
  return template({ r, t });
}

/**
 * The day view's rows kept by their key (present.ts rowKey: the room's stamp from room-items.ts and everything else
 * the row is made of), so a rebuild after one booking changed builds and renders one row, not 200, and no row model
 * is serialized to find its HTML.
 */
const kept = new Map<string, RenderedRow>();

export function keptRow(key: string, build: () => RowView): RenderedRow {
  let row = kept.get(key);
  if (row !== undefined) {
    // Least recently used goes first: today's rows get new keys every minute and must not push out a kept day.
    kept.delete(key);
  } else {
    row = { html: render(build()), key };
    if (kept.size >= MAX_ROWS) kept.delete(kept.keys().next().value!);
  }
  kept.set(key, row);
  return row;
}
