import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { addAbortSignal, pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { createCsvRecordFramer, type RecordProblem } from './csv-framer.js';
import type { FastRowCheck } from './fast-row-check.js';
import { isGzipPath } from './kg-files.js';
import { columnsOf, describeValue } from './schemas.js';

/** One rejected row. `line` is the 1-based line on which the row starts. */
export interface CsvRowError {
  file: string;
  line: number;
  column?: string;
  message: string;
}

/** `nodes.csv.gz line 1203, column node_index: expected a non-negative integer, got 'abc'` */
export function formatRowError(error: CsvRowError): string {
  const column = error.column === undefined ? '' : `, column ${error.column}`;
  return `${error.file} line ${error.line}${column}: ${error.message}`;
}

export type OnRowError = 'skip' | 'fail';

export interface CsvReadOptions {
  /** `fail` throws an `INVALID_INPUT_FILE` error at the first bad row; `skip` counts it and goes on. */
  onError: OnRowError;
  /** Longest accepted field, in bytes. Default 1 MiB. */
  maxFieldBytes?: number | undefined;
  /**
   * Longest accepted record, in bytes; longer records are skipped while being read, which bounds
   * memory. Default: `maxFieldBytes` times the expected column count, plus 64 KiB.
   */
  maxRecordBytes?: number | undefined;
  /** Error messages kept per file; all errors are counted. Default 20. */
  maxErrorsKept?: number | undefined;
  /** Called with the size of each chunk read from disk (compressed bytes for `.gz`), for progress. */
  onBytes?: ((bytes: number) => void) | undefined;
  /** Display name in messages; default: the file's base name. */
  name?: string | undefined;
  signal?: AbortSignal | undefined;
  /**
   * A hand-written check that accepts exactly what `schema` accepts, giving the same record, for
   * the hot loop of large files. Rows it refuses (`undefined`) go through `schema`, for the message.
   */
  fastCheck?: FastRowCheck<unknown> | undefined;
}

export interface CsvFileReport {
  file: string;
  path: string;
  /** The header as found in the file. */
  columns: string[];
  /** Header columns the schema does not use (ignored). */
  extraColumns: string[];
  /** Data rows seen, bad ones included. */
  rowsRead: number;
  /** Rows rejected, by the reader or by the caller through `reject`. */
  rowsSkipped: number;
  blankLines: number;
  /** The first `maxErrorsKept` errors. */
  errors: CsvRowError[];
  /** Line of every rejected row, in file order (the first 100 000). */
  skippedLines: number[];
  errorsOmitted: number;
  /** Bytes read from disk. */
  bytesRead: number;
}

export interface CsvRow<T> {
  line: number;
  record: T;
}

export interface CsvFileReader<T> {
  readonly report: CsvFileReport;
  /** Valid rows in file order; can be iterated once. */
  rows(): AsyncGenerator<CsvRow<T>, void, undefined>;
  /**
   * Rejects a row that parsed but is wrong in context (unknown node, type mismatch): it is counted
   * and reported like a malformed row, and throws in `fail` mode. Call at most once per row.
   */
  reject(line: number, column: string | undefined, message: string): void;
}

const DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;
const DEFAULT_MAX_ERRORS_KEPT = 20;
const MAX_SKIPPED_LINES_KEPT = 100_000;

/**
 * Streams a CSV file (plain, or gzip when the name ends in `.gz`) through csv-parse and validates
 * each row with `schema`, whose keys name the columns it needs.
 */
export function openCsvFile<Schema extends z.ZodObject>(
  path: string,
  schema: Schema,
  options: CsvReadOptions,
): CsvFileReader<z.output<Schema>> {
  const file = options.name ?? basename(path);
  const expected = columnsOf(schema);
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  const report: CsvFileReport = {
    file,
    path,
    columns: [],
    extraColumns: [],
    rowsRead: 0,
    rowsSkipped: 0,
    blankLines: 0,
    errors: [],
    skippedLines: [],
    errorsOmitted: 0,
    bytesRead: 0,
  };
  const reading: Reading<Schema> = {
    path,
    file,
    schema,
    expected,
    options,
    report,
    maxFieldBytes,
    maxRecordBytes: options.maxRecordBytes ?? maxFieldBytes * expected.length + 64 * 1024,
    reject: createRejecter(report, options.onError, options.maxErrorsKept ?? DEFAULT_MAX_ERRORS_KEPT),
  };
  let started = false;
  async function* rows(): AsyncGenerator<CsvRow<z.output<Schema>>, void, undefined> {
    if (started) throw new Error(`${file} is already being read`);
    started = true;
    yield* readRows(reading);
  }
  return { report, rows, reject: reading.reject };
}

/** One file being read: what {@link openCsvFile} was given, with its limits resolved. */
interface Reading<Schema extends z.ZodObject> {
  path: string;
  file: string;
  schema: Schema;
  /** The columns `schema` needs, in its order. */
  expected: string[];
  options: CsvReadOptions;
  report: CsvFileReport;
  maxFieldBytes: number;
  maxRecordBytes: number;
  reject: CsvFileReader<unknown>['reject'];
}

function createRejecter(
  report: CsvFileReport,
  onError: OnRowError,
  maxErrorsKept: number,
): CsvFileReader<unknown>['reject'] {
  return (line, column, message) => {
    const error: CsvRowError =
      column === undefined
        ? { file: report.file, line, message }
        : { file: report.file, line, column, message };
    report.rowsSkipped++;
    if (report.skippedLines.length < MAX_SKIPPED_LINES_KEPT) report.skippedLines.push(line);
    if (report.errors.length < maxErrorsKept) report.errors.push(error);
    else report.errorsOmitted++;
    if (onError === 'fail')
      throw new AppError({
        code: 'INVALID_INPUT_FILE',
        message: formatRowError(error),
        details: { ...error },
      });
  };
}

function fatal(file: string, message: string, cause?: unknown, line?: number): AppError {
  return new AppError({
    code: 'INVALID_INPUT_FILE',
    message: `${file}${line === undefined ? '' : ` line ${line}`}: ${message}`,
    cause,
    details: line === undefined ? { file } : { file, line },
  });
}

/** Header → rows: each record checked for shape, size and schema; problems reported in line order. */
async function* readRows<Schema extends z.ZodObject>(
  reading: Reading<Schema>,
): AsyncGenerator<CsvRow<z.output<Schema>>, void, undefined> {
  const { file, expected, report, reject } = reading;
  const records = openRecords(reading);
  let header: string[] | undefined;
  const positions: number[] = [];
  let problemsHead = 0;
  const { problems } = records;
  const drainProblems = (beforeLine: number): void => {
    while (problemsHead < problems.length && problems[problemsHead]!.line < beforeLine) {
      const problem = problems[problemsHead++]!;
      const message = problemMessage(problem, reading.maxRecordBytes);
      if (header === undefined)
        throw fatal(file, `cannot read the header: ${message}`, undefined, problem.line);
      report.rowsRead++;
      reject(problem.line, problem.fieldIndex < 0 ? undefined : header[problem.fieldIndex], message);
    }
    if (problemsHead > 1024) {
      problems.splice(0, problemsHead);
      problemsHead = 0;
    }
  };

  try {
    for await (const fields of records.output as AsyncIterable<string[]>) {
      const line = records.nextLine(fields.length);
      drainProblems(line);
      if (header === undefined) {
        header = readHeader(reading, fields, line);
        for (const column of expected) positions.push(header.indexOf(column));
        continue;
      }
      report.rowsRead++;
      const record = checkRow(reading, header, positions, fields, line);
      if (record !== undefined) yield { line, record };
    }
    drainProblems(Number.POSITIVE_INFINITY);
    if (header === undefined)
      throw fatal(file, `file is empty; expected a header with ${expected.join(', ')}`);
  } catch (error) {
    throw describeFailure(file, error);
  }
  if (records.pipelineError() !== undefined) throw describeFailure(file, records.pipelineError());
}

/** The file's records as csv-parse gives them, with the framer's line numbers and problems beside. */
function openRecords(reading: Reading<z.ZodObject>) {
  const { path, options, report } = reading;
  const starts = new RecordQueue();
  const problems: RecordProblem[] = [];
  const source = createReadStream(path);
  source.on('data', (chunk) => {
    report.bytesRead += chunk.length;
    options.onBytes?.(chunk.length);
  });
  if (options.signal) addAbortSignal(options.signal, source);
  const framer = createCsvRecordFramer({
    maxRecordBytes: reading.maxRecordBytes,
    onRecord: (line, fieldCount) => starts.push(line, fieldCount),
    onProblem: (problem) => problems.push(problem),
    onBlankLine: () => report.blankLines++,
  });
  const parser = parse({
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: reading.maxRecordBytes,
  });
  let pipelineError: unknown;
  const onDone = (error: NodeJS.ErrnoException | null) => {
    if (error) pipelineError = error;
  };
  const output: Readable = isGzipPath(path)
    ? pipeline(source, createGunzip(), framer, parser, onDone)
    : pipeline(source, framer, parser, onDone);
  /** The line the next parsed record starts on; the framer and the parser must agree on its fields. */
  const nextLine = (fieldsParsed: number): number => {
    const line = starts.peekLine();
    const fieldCount = starts.peekFieldCount();
    starts.shift();
    if (line === undefined || fieldCount !== fieldsParsed)
      throw fatal(
        reading.file,
        `internal error: the CSV framer and parser disagree near line ${line ?? '?'} (${fieldCount ?? '?'} vs ${fieldsParsed} fields)`,
      );
    return line;
  };
  return { output, problems, nextLine, pipelineError: () => pipelineError };
}

function readHeader(reading: Reading<z.ZodObject>, fields: string[], line: number): string[] {
  const { expected, report } = reading;
  const names = fields.map((name) => name.trim());
  const missing = expected.filter((column) => !names.includes(column));
  if (missing.length > 0)
    throw fatal(
      reading.file,
      `header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${names.join(', ')})`,
      undefined,
      line,
    );
  const repeated = expected.filter((column) => names.indexOf(column) !== names.lastIndexOf(column));
  if (repeated.length > 0)
    throw fatal(reading.file, `header lists column ${repeated[0]} twice`, undefined, line);
  report.columns = names;
  report.extraColumns = names.filter((name) => !expected.includes(name));
  return names;
}

/** The row's record, or undefined once the row is rejected (field count, field size, schema). */
function checkRow<Schema extends z.ZodObject>(
  reading: Reading<Schema>,
  header: string[],
  positions: number[],
  fields: string[],
  line: number,
): z.output<Schema> | undefined {
  const { maxFieldBytes, reject, expected } = reading;
  if (fields.length !== header.length) {
    reject(line, undefined, `expected ${header.length} fields, got ${fields.length}`);
    return undefined;
  }
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index]!;
    if (field.length * 3 > maxFieldBytes && Buffer.byteLength(field) > maxFieldBytes) {
      reject(
        line,
        header[index],
        `field has ${Buffer.byteLength(field)} bytes, over the limit of ${maxFieldBytes}`,
      );
      return undefined;
    }
  }
  const checked = reading.options.fastCheck?.(fields, positions) as z.output<Schema> | undefined;
  if (checked !== undefined) return checked;
  const raw: Record<string, string> = {};
  for (let index = 0; index < expected.length; index++) raw[expected[index]!] = fields[positions[index]!]!;
  const result = reading.schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const column = issue?.path[0];
    reject(line, column === undefined ? undefined : String(column), issue?.message ?? 'invalid row');
    return undefined;
  }
  return result.data;
}

function problemMessage(problem: RecordProblem, maxRecordBytes: number): string {
  switch (problem.kind) {
    case 'oversized-record':
      return problem.lastLine > problem.line
        ? `record spanning lines ${problem.line}-${problem.lastLine} has ${problem.bytes} bytes, over the limit of ${maxRecordBytes} (an unbalanced quote can cause this); skipped`
        : `record has ${problem.bytes} bytes, over the limit of ${maxRecordBytes}; skipped`;
    case 'quote-inside-unquoted-field':
      return `quote inside an unquoted field${atLine(problem)}; quote the whole field and double the inner quote${spanned(problem)}`;
    case 'text-after-closing-quote':
      return `closing quote followed by ${describeValue(problem.after ?? '')} instead of a comma or line end${atLine(problem)}${spanned(problem)}`;
    case 'unclosed-quote':
      return problem.lastLine > problem.line
        ? `quoted field opened on line ${problem.problemLine} is never closed; lines ${problem.line}-${problem.lastLine} skipped`
        : `quoted field opened on line ${problem.problemLine} is never closed; the line is skipped and reading resumes on the next line`;
  }
}

function describeFailure(file: string, error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_'))
    return fatal(file, 'is not valid gzip data (truncated or corrupt)', error);
  if (typeof code === 'string' && code.startsWith('CSV_'))
    return fatal(file, 'the CSV parser stopped (this is a bug in the record framer)', error);
  if (typeof code === 'string' && code.startsWith('E')) return fatal(file, `cannot be read (${code})`, error);
  return fatal(file, 'cannot be read', error);
}

/** Quote errors can merge following lines into the bad record; say which lines were lost. */
function spanned(problem: RecordProblem): string {
  return problem.lastLine > problem.line
    ? `; lines ${problem.line}-${problem.lastLine} skipped as one record`
    : '';
}

function atLine(problem: RecordProblem): string {
  return problem.problemLine === problem.line ? '' : ` (on line ${problem.problemLine})`;
}

/** FIFO of (line, field count) pairs; typed arrays keep millions of rows cheap. */
class RecordQueue {
  private lines = new Int32Array(1024);
  private counts = new Int32Array(1024);
  private head = 0;
  private tail = 0;

  push(line: number, fieldCount: number): void {
    if (this.tail === this.lines.length) {
      const size = this.tail - this.head;
      const capacity = size * 2 > this.lines.length ? this.lines.length * 2 : this.lines.length;
      const lines = new Int32Array(capacity);
      const counts = new Int32Array(capacity);
      lines.set(this.lines.subarray(this.head, this.tail));
      counts.set(this.counts.subarray(this.head, this.tail));
      this.lines = lines;
      this.counts = counts;
      this.head = 0;
      this.tail = size;
    }
    this.lines[this.tail] = line;
    this.counts[this.tail] = fieldCount;
    this.tail++;
  }

  peekLine(): number | undefined {
    return this.head < this.tail ? this.lines[this.head] : undefined;
  }

  peekFieldCount(): number | undefined {
    return this.head < this.tail ? this.counts[this.head] : undefined;
  }

  shift(): void {
    if (this.head < this.tail) this.head++;
  }
}
