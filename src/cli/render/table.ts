// Plain-text tables: columns padded to their widest cell, two spaces apart, no trailing blanks.

/** renderTable lays out `rows` (the first is usually the header) in aligned columns. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}
