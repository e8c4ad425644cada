import assert from 'node:assert/strict';
import { readStored } from '../i18n/stored.ts';
import { describe, test } from 'node:test';
import { csvCell, csvRow } from './csv.ts';
import { ReportQuery } from './schema.ts';
import { barChartSvg, esc, heatMapSvg } from './svg.ts';

describe('report CSV', () => {
  test('cells a spreadsheet would run as formulas get an apostrophe', () => {
    for (const v of ['=1+2', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) assert.equal(csvCell(v).replace(/^"|"$/g, '')[0], "'", v);
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('Room -1'), 'Room -1');
  });

  test('quotes, commas and line breaks are quoted; numbers and blanks pass through', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(12.5), '12.5');
    assert.equal(csvCell(null), '');
    assert.equal(csvRow(['x', 1, null]), 'x,1,\r\n');
  });
});

describe('report SVG', () => {
  test('text is escaped in titles, labels and tooltips', () => {
    assert.equal(esc(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const heat = heatMapSvg({ id: 'h', title: '<script>alert(1)</script>', desc: 'a & b', rows: ['<Mon>'], cols: ['00'], values: [[0.5]] });
    assert.doesNotMatch(heat, /<script|<Mon>/);
    assert.match(heat, /<title id="h-t">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title><desc id="h-d">a &amp; b<\/desc>/);
    assert.match(heat, /role="img"/);
    assert.match(heat, /<title>&lt;Mon&gt; 00: 50 %<\/title>/);
    const bars = barChartSvg({ id: 'b', title: 't', desc: 'd', bars: [{ label: '"Board" <room>', value: 0.5, text: '50 %' }], max: 1 });
    assert.match(bars, /&quot;Board&quot; &lt;room&gt;/);
    assert.match(bars, /width="130.0"/);
    // No style attributes: the CSP forbids inline style.
    assert.doesNotMatch(heat + bars, /style=/);
  });
});

describe('report query', () => {
  const fields = (input: object) => {
    const r = ReportQuery.safeParse(input);
    const out: Record<string, string> = {};
    if (!r.success) for (const i of r.error.issues) out[String(i.path[0])] ??= readStored(i.message);
    return out;
  };
  test('blank is the default period; good dates pass', () => {
    assert.deepEqual(ReportQuery.parse({ from: '', to: '', building: '' }), { from: undefined, to: undefined, building: undefined });
    assert.deepEqual(fields({ from: '2026-01-01', to: '2026-01-31' }), {});
  });
  test('bad input names the field', () => {
    assert.match(fields({ from: 'yesterday' }).from!, /2026-11-24/);
    assert.match(fields({ from: '2026-02-30' }).from!, /not a date/);
    assert.match(fields({ from: '2026-02-01', to: '2026-01-01' }).to!, /on or after/);
    assert.match(fields({ from: '2025-01-01', to: '2026-06-01' }).to!, /at most 366 days/);
  });
});
