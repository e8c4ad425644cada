// CSV as spreadsheets read it (RFC 4180, CRLF). Cells a spreadsheet would run as a formula (= + - @, and tab or
// carriage return that some programs strip first) get a leading apostrophe: a room named "=HYPERLINK(...)" stays text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  // Numbers are ours (never formulas); a negative number keeps its sign.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',') + '\r\n';
