/** bench:team's one printed table: a row per measure, quantiles in ms or µs. */
type Row = string[];

const table: Row[] = [['measure', 'n', 'p50', 'p95', 'p99', 'note']];

export function quantiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Adds a row of p50/p95/p99 of `values`; returns the p95. */
export function addRow(name: string, values: number[], unit: 'ms' | 'us', note = ''): number {
  const q = quantiles(values);
  const show = (v: number) => (unit === 'ms' ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} us`);
  table.push([name, String(values.length), show(q.p50), show(q.p95), show(q.p99), note]);
  return q.p95;
}

/** Adds a row of free cells (a difference, a rate). */
export function addCells(
  name: string,
  cells: Partial<Record<'n' | 'p50' | 'p95' | 'p99' | 'note', string>>,
) {
  table.push([
    name,
    cells.n ?? '',
    cells.p50 ?? '',
    cells.p95 ?? '',
    cells.p99 ?? '',
    cells.note ?? '',
  ]);
}

export function printTable(): void {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  for (const row of table) {
    console.log(
      row
        .map((cell, c) => (c === 0 || c === 5 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join('  '),
    );
  }
}
