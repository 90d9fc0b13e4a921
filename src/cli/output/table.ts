/**
 * Fixed-width text tables in the shape of Kafka's tools (Scala `"%-30s %-10s …".format`):
 * each cell left-aligned and padded to its column width (a longer cell overflows, as
 * printf does), one space between columns, trailing spaces trimmed so golden output and
 * `awk`/`cut` pipelines see clean lines. Pure functions.
 */

/** One line: every cell padded to `widths[i]` (the last one unpadded), joined by a space. */
export function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join(' ').trimEnd();
}

/** Widths where column i is at least `min[i]` and grows to its widest cell. */
export function growWidths(rows: readonly (readonly string[])[], min: readonly number[]): number[] {
  return min.map((m, i) => Math.max(m, ...rows.map((r) => (r[i] ?? '').length)));
}
