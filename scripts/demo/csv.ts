import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

export type CsvRecord = Record<string, string>;

const needsQuoting = /[",\r\n]/;

function formatField(value: string | number): string {
  const text = String(value);
  return needsQuoting.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV with `\n` line ends; fields are quoted only when they must be, so output is stable. */
export function formatCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const lines = [header.map(formatField).join(',')];
  for (const row of rows) lines.push(row.map(formatField).join(','));
  return lines.join('\n') + '\n';
}

/** gzip with zlib's defaults fixed (level 9, no file name, mtime 0) so that rebuilds are byte-identical. */
export function gzipDeterministic(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
}

export function parseCsvRecords(text: string): CsvRecord[] {
  return parse<CsvRecord>(text, { columns: true, skip_empty_lines: true, bom: true });
}

/** Header (first line) of a CSV text, parsed with the same rules as the records. */
export function parseCsvHeader(text: string): string[] {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const rows: string[][] = parse(firstLine, {});
  return rows[0] ?? [];
}

/** Reads `name.csv.gz` (or `name.csv`) contents as text. */
export function decodeCsvFile(path: string, bytes: Buffer): string {
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}
