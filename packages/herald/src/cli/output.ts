/** How the client commands print: aligned tables for people, the API's JSON for scripts. */

/** Writes one line to stdout. */
export function line(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** Pretty-printed JSON, as the API answered it. */
export function printJson(value: unknown): void {
  line(JSON.stringify(value, null, 2));
}

/** An aligned table with a header row; "(none)" when there are no rows. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) {
    line("(none)");
    return;
  }
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  line(format(header));
  for (const row of rows) line(format(row));
}

/** Label: value lines, labels aligned. */
export function printFields(fields: readonly (readonly [string, string])[]): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) line(`${`${label}:`.padEnd(width + 1)} ${value}`);
}

/** Unix seconds as `2025-11-24 16:00:00` (UTC), or "-" for null. */
export function time(unixSeconds: number | null | undefined): string {
  if (unixSeconds === null || unixSeconds === undefined) return "-";
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace("T", " ")}`;
}

/** The hint under a page that has more. */
export function morePages(hasMore: boolean, lastId: string | undefined): void {
  if (hasMore && lastId !== undefined) line(`… more: add --starting-after ${lastId}`);
}
