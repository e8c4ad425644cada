// Charts drawn on the server as SVG markup: readable without JavaScript, in print and by screen readers (role="img"
// with a <title> and <desc>; the page puts the same numbers in a table beside each chart). Colours are presentation
// attributes, not style attributes, so the strict CSP (no inline style) allows them.

/** Escapes text for SVG/HTML element content and attribute values. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Blues from empty to full; each step has at least 3:1 contrast with its neighbour's label colour below. */
const HEAT = ['#f3f4f6', '#dbeafe', '#93c5fd', '#2563eb', '#1d4ed8', '#1e3a8a'];
export const heatStep = (share: number) => (share <= 0 ? 0 : Math.min(HEAT.length - 1, 1 + Math.floor(share * (HEAT.length - 1) - 1e-9)));

export interface HeatChart {
  id: string;
  title: string;
  desc: string;
  rows: string[];
  cols: string[];
  /** values[row][col] in 0..1; null = no time offered. */
  values: (number | null)[][];
  /** A cell's tooltip value in the reader's language (present.ts passes Intl's "50 %" / "50%"); default "50 %". */
  cellText?: (value: number | null) => string;
}

/** Weekday × hour heat map: one square per cell, darker = busier; cells carry their value as a tooltip. */
export function heatMapSvg(c: HeatChart): string {
  const cell = 22;
  const left = 44;
  const top = 20;
  const width = left + c.cols.length * cell + 4;
  const height = top + c.rows.length * cell + 4;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${esc(c.id)}-t ${esc(c.id)}-d">`,
    `<title id="${esc(c.id)}-t">${esc(c.title)}</title>`,
    `<desc id="${esc(c.id)}-d">${esc(c.desc)}</desc>`,
  ];
  c.cols.forEach((label, x) => {
    if (x % 2 === 0) out.push(`<text x="${left + x * cell + cell / 2}" y="${top - 6}" font-size="10" text-anchor="middle" fill="#4b5563">${esc(label)}</text>`);
  });
  c.rows.forEach((label, y) => {
    out.push(`<text x="${left - 6}" y="${top + y * cell + cell / 2 + 4}" font-size="11" text-anchor="end" fill="#111827">${esc(label)}</text>`);
    c.cols.forEach((col, x) => {
      const v = c.values[y]?.[x] ?? null;
      const pct = c.cellText ? c.cellText(v) : v === null ? '—' : `${Math.round(v * 100)} %`;
      out.push(
        `<rect x="${left + x * cell}" y="${top + y * cell}" width="${cell - 2}" height="${cell - 2}" fill="${HEAT[v === null ? 0 : heatStep(v)]}" stroke="#d1d5db"><title>${esc(`${label} ${col}: ${pct}`)}</title></rect>`,
      );
    });
  });
  out.push('</svg>');
  return out.join('');
}

export interface BarChart {
  id: string;
  title: string;
  desc: string;
  bars: { label: string; value: number; text: string }[];
  /** The value of a full-width bar. */
  max: number;
}

/** Horizontal bars with their label on the left and their value on the right. */
export function barChartSvg(c: BarChart): string {
  const left = 150;
  const barWidth = 260;
  const row = 20;
  const width = left + barWidth + 70;
  const height = Math.max(row, c.bars.length * row) + 4;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${esc(c.id)}-t ${esc(c.id)}-d">`,
    `<title id="${esc(c.id)}-t">${esc(c.title)}</title>`,
    `<desc id="${esc(c.id)}-d">${esc(c.desc)}</desc>`,
  ];
  c.bars.forEach((b, i) => {
    const y = i * row + 2;
    const w = c.max > 0 ? Math.max(0, Math.min(1, b.value / c.max)) * barWidth : 0;
    const label = b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label;
    out.push(`<text x="${left - 6}" y="${y + 13}" font-size="11" text-anchor="end" fill="#111827">${esc(label)}</text>`);
    out.push(`<rect x="${left}" y="${y + 2}" width="${barWidth}" height="${row - 6}" fill="#e5e7eb"/>`);
    out.push(`<rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${row - 6}" fill="#1d4ed8"/>`);
    out.push(`<text x="${left + barWidth + 6}" y="${y + 13}" font-size="11" fill="#111827">${esc(b.text)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
