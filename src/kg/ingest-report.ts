import { formatRowError, type CsvRowError, type OnRowError } from './csv-reader.js';
import type { KgFileRole } from './kg-files.js';

export type IngestFileStatus = 'read' | 'absent' | 'excluded';

export interface IngestFileReport {
  role: KgFileRole;
  /** File name, or `<base>.csv(.gz)` when absent. */
  file: string;
  status: IngestFileStatus;
  /** Why a file was not read (licence, absence). */
  note?: string;
  rowsRead: number;
  /** Malformed or inconsistent rows, all counted; the first few are in `errors`. */
  rowsSkipped: number;
  errors: CsvRowError[];
  errorsOmitted: number;
  /** Line of every skipped row (the first 100 000), so none goes unreported. */
  skippedLines: number[];
  extraColumns: string[];
  blankLines: number;
  bytesRead: number;
  durationMs: number;
  /** Edge files: edges added, and rows that repeated an edge already kept. */
  edgesKept?: number;
  duplicatesRemoved?: number;
  /** Modality files: payloads stored. */
  payloadsKept?: number;
}

export interface EdgeKindCount {
  relation: string;
  displayRelation: string;
  headType: string;
  tailType: string;
  edges: number;
}

/** Per node type: how many nodes have each payload. */
export interface PayloadCoverage {
  nodes: number;
  sequence: number;
  smiles: number;
  /** Rows in text_features (pathways have a name only). */
  textRecord: number;
  /** Non-empty definitions in text_features. */
  definition: number;
  /** DrugBank descriptions from drug_text. */
  description: number;
  variant: number;
  /** Variants with a chromosome and position. */
  variantPosition: number;
}

export interface IngestReport {
  directory: string;
  onError: OnRowError;
  includeNonCommercial: boolean;
  files: IngestFileReport[];
  nodes: {
    total: number;
    byType: Record<string, number>;
    /** True when nodes.csv was absent and nodes came from the edge rows. */
    derivedFromEdges: boolean;
  };
  edges: {
    rowsRead: number;
    kept: number;
    duplicatesRemoved: number;
    byKind: EdgeKindCount[];
  };
  /** Rows skipped over all files. */
  malformedRows: number;
  /** Node types and relations that were not in the registry passed in (appended to it). */
  unknownNodeTypes: { name: string; id: number; nodes: number }[];
  unknownRelations: { name: string; id: number; edges: number }[];
  payloadCoverage: Record<string, PayloadCoverage>;
  edgeAttributes: number;
  /** Directed is_a links read from `ontology_is_a.csv`. */
  isALinks: number;
  durationMs: { nodes: number; edges: number; payloads: number; total: number };
}

/** Human-readable summary, one line per fact; errors are shown as `file line N, column C: message`. */
export function summarizeIngestReport(report: IngestReport): string[] {
  const lines: string[] = [];
  lines.push(
    `nodes: ${report.nodes.total}${report.nodes.derivedFromEdges ? ' (derived from edge rows; no nodes file)' : ''}`,
  );
  for (const [type, count] of Object.entries(report.nodes.byType)) lines.push(`  ${type}: ${count}`);
  lines.push(
    `edges: ${report.edges.kept} kept of ${report.edges.rowsRead} rows, ${report.edges.duplicatesRemoved} duplicates removed`,
  );
  for (const file of report.files) {
    if (file.status !== 'read') {
      lines.push(`${file.file}: ${file.status}${file.note ? ` (${file.note})` : ''}`);
      continue;
    }
    const extra =
      file.extraColumns.length > 0 ? `, extra columns ignored: ${file.extraColumns.join(', ')}` : '';
    lines.push(
      `${file.file}: ${file.rowsRead} rows, ${file.rowsSkipped} skipped, ${(file.durationMs / 1000).toFixed(1)} s${extra}`,
    );
    for (const error of file.errors) lines.push(`  ${formatRowError(error)}`);
    if (file.errorsOmitted > 0) lines.push(`  … and ${file.errorsOmitted} more`);
    if (file.skippedLines.length > 0) lines.push(`  skipped lines: ${formatLineList(file.skippedLines)}`);
  }
  for (const type of report.unknownNodeTypes)
    lines.push(`new node type "${type.name}" (id ${type.id}): ${type.nodes} nodes`);
  for (const relation of report.unknownRelations)
    lines.push(`new relation "${relation.name}" (id ${relation.id}): ${relation.edges} edges`);
  lines.push(`malformed rows: ${report.malformedRows}`);
  return lines;
}

/** `3, 7-9, 12`: runs of consecutive lines collapsed. */
export function formatLineList(lines: readonly number[]): string {
  const parts: string[] = [];
  for (let index = 0; index < lines.length;) {
    let end = index;
    while (end + 1 < lines.length && lines[end + 1] === lines[end]! + 1) end++;
    parts.push(end === index ? String(lines[index]) : `${lines[index]}-${lines[end]}`);
    index = end + 1;
  }
  return parts.join(', ');
}
