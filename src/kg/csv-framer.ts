import { Transform, type TransformCallback } from 'node:stream';

/**
 * Splits a CSV byte stream into records before `csv-parse` sees it, so that one bad record
 * costs one skipped row instead of the rest of the file:
 *
 * - records over `maxRecordBytes` are dropped while being read (memory stays bounded even when
 *   an unbalanced quote turns the rest of the file into one field);
 * - records with quote errors are dropped, since the parser would drop them anyway; when such a
 *   record spans line breaks (a stray quote swallowed them), only its first line is dropped and
 *   the lines after it are scanned again, so valid rows after the stray quote are kept (up to
 *   `maxRecordBytes`: past it the record is dropped unread, which bounds memory);
 * - blank lines are dropped and counted.
 *
 * Every record that passes is announced through `onRecord` with its first line and field count,
 * in stream order, so the reader can pair it with the parser's output. The state machine mirrors
 * csv-parse with `quote: '"'`, `escape: '"'`, `delimiter: ','`, `record_delimiter: ['\r\n', '\n']`
 * and no trimming; the reader cross-checks field counts to catch any disagreement.
 */

export type RecordProblemKind =
  'oversized-record' | 'quote-inside-unquoted-field' | 'text-after-closing-quote' | 'unclosed-quote';

export interface RecordProblem {
  kind: RecordProblemKind;
  /** Line on which the record starts (1-based). */
  line: number;
  /** Line of the byte that made the record bad. */
  problemLine: number;
  /** Last line of the record. */
  lastLine: number;
  /** 0-based position of the field that holds the problem; -1 for oversized records. */
  fieldIndex: number;
  /** Bytes in the record, terminator included. */
  bytes: number;
  /** For `text-after-closing-quote`: the character after the quote. */
  after?: string | undefined;
}

export interface CsvRecordFramerOptions {
  maxRecordBytes: number;
  onRecord(line: number, fieldCount: number): void;
  onProblem(problem: RecordProblem): void;
  onBlankLine?(line: number): void;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Quote seen inside a quoted field at the end of a chunk; the next bytes decide what it means. */
const enum PendingQuote {
  None,
  Quote,
  QuoteThenCarriageReturn,
}

export class CsvRecordFramer extends Transform {
  private readonly options: CsvRecordFramerOptions;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private quoting = false;
  private fieldStart = true;
  private fieldIndex = 0;
  private recordBytes = 0;
  private previousByte = -1;
  private pending = PendingQuote.None;
  private problem: RecordProblem | undefined;
  private held: Buffer[] = [];
  private discarding = false;
  private started = false;

  constructor(options: CsvRecordFramerOptions) {
    super();
    this.options = options;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.scan(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.finish();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private scan(input: Buffer): void {
    if (!this.started && input.length === 0) return;
    const chunk = this.started ? input : this.startStream(input);
    const length = chunk.length;
    let recordStart = 0;
    let runStart = -1;
    let runEnd = -1;
    const output: Buffer[] = [];
    const flushRun = () => {
      if (runStart >= 0 && runEnd > runStart) output.push(chunk.subarray(runStart, runEnd));
      runStart = -1;
      runEnd = -1;
    };

    let index = 0;
    if (this.pending !== PendingQuote.None) index = this.resolvePendingQuote(chunk);

    for (; index < length; index++) {
      const byte = chunk[index]!;
      if (this.quoting) {
        if (byte === QUOTE) {
          if (index + 1 >= length) {
            this.pending = PendingQuote.Quote;
            this.previousByte = byte;
            continue;
          }
          const next = chunk[index + 1]!;
          if (next === QUOTE) {
            index++;
          } else if (next === COMMA || next === LF) {
            this.quoting = false;
          } else if (next === CR) {
            if (index + 2 >= length) {
              this.pending = PendingQuote.QuoteThenCarriageReturn;
              this.previousByte = next;
              index++;
              continue;
            }
            if (chunk[index + 2] === LF) this.quoting = false;
            else this.noteProblem('text-after-closing-quote', '\r');
          } else {
            this.noteProblem('text-after-closing-quote', String.fromCharCode(next));
          }
        } else if (byte === LF) {
          this.line++;
        }
        this.previousByte = byte;
        continue;
      }
      if (byte === COMMA) {
        this.fieldStart = true;
        this.fieldIndex++;
      } else if (byte === LF) {
        const bytes = this.recordBytes + (index + 1 - recordStart);
        if (
          this.problem !== undefined &&
          this.line > this.recordLine &&
          !this.discarding &&
          bytes <= this.options.maxRecordBytes
        ) {
          // A quote error that swallowed line breaks: the record is its first line only, and the
          // lines after it are scanned again, so valid rows after a stray quote are kept.
          flushRun();
          for (const part of output.splice(0)) this.push(part);
          this.resynchronise(Buffer.concat([...this.held, chunk.subarray(recordStart, index + 1)]));
          recordStart = index + 1;
          continue;
        }
        const blank = bytes === 1 || (bytes === 2 && this.previousByte === CR);
        const good = this.endRecord(bytes, blank);
        if (good) {
          if (this.held.length > 0) {
            flushRun();
            output.push(...this.held);
            runStart = recordStart;
          } else if (runStart < 0) {
            runStart = recordStart;
          }
          runEnd = index + 1;
        } else {
          flushRun();
        }
        this.held = [];
        recordStart = index + 1;
        this.previousByte = byte;
        continue;
      } else if (byte === QUOTE) {
        if (this.fieldStart) {
          this.quoting = true;
          this.quoteLine = this.line;
        } else {
          this.noteProblem('quote-inside-unquoted-field');
        }
        this.fieldStart = false;
      } else {
        this.fieldStart = false;
      }
      this.previousByte = byte;
    }
    flushRun();
    this.holdTail(chunk, recordStart);
    for (const part of output) this.push(part);
  }

  /** The first chunk without its UTF-8 byte-order mark; a UTF-16 one is refused. */
  private startStream(chunk: Buffer): Buffer {
    this.started = true;
    if (
      chunk.length >= 2 &&
      ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
    )
      throw new Error('the file starts with a UTF-16 byte-order mark; only UTF-8 is supported');
    if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
      return chunk.subarray(3);
    return chunk;
  }

  /** Keeps the unfinished record at the end of a chunk for the next one, or stops keeping it once oversized. */
  private holdTail(chunk: Buffer, recordStart: number): void {
    const tail = chunk.length - recordStart;
    if (tail <= 0) return;
    this.recordBytes += tail;
    if (this.discarding) return;
    if (this.recordBytes > this.options.maxRecordBytes) {
      this.discarding = true;
      this.held = [];
    } else {
      this.held.push(chunk.subarray(recordStart));
    }
  }

  /** Handles a quote that ended the previous chunk inside a quoted field; returns where to resume. */
  private resolvePendingQuote(chunk: Buffer): number {
    const pending = this.pending;
    this.pending = PendingQuote.None;
    const first = chunk[0]!;
    if (pending === PendingQuote.Quote) {
      if (first === QUOTE) {
        this.previousByte = first;
        return 1;
      }
      if (first === COMMA || first === LF) {
        this.quoting = false;
        return 0;
      }
      if (first === CR) {
        if (chunk.length < 2) {
          this.pending = PendingQuote.QuoteThenCarriageReturn;
          this.previousByte = first;
          return 1;
        }
        if (chunk[1] === LF) this.quoting = false;
        else this.noteProblem('text-after-closing-quote', '\r');
        return 0;
      }
      this.noteProblem('text-after-closing-quote', String.fromCharCode(first));
      return 0;
    }
    // The quote was followed by a carriage return that ended the previous chunk.
    if (first === LF) {
      this.quoting = false;
      // The CR belongs to the record terminator, which the main loop will see with this LF.
      this.previousByte = CR;
      return 0;
    }
    this.noteProblem('text-after-closing-quote', '\r');
    return 0;
  }

  /**
   * Reports the bad record in `bytes` as its first line only, then scans the lines after it again
   * from a clean state: resynchronises at the next line that parses.
   */
  private resynchronise(bytes: Buffer): void {
    const firstBreak = bytes.indexOf(LF);
    const problem = this.problem!;
    this.options.onProblem({ ...problem, lastLine: this.recordLine, bytes: firstBreak + 1 });
    this.line = this.recordLine + 1;
    this.recordLine = this.line;
    this.quoteLine = this.line;
    this.quoting = false;
    this.fieldStart = true;
    this.fieldIndex = 0;
    this.recordBytes = 0;
    this.previousByte = LF;
    this.pending = PendingQuote.None;
    this.problem = undefined;
    this.held = [];
    this.discarding = false;
    this.scan(bytes.subarray(firstBreak + 1));
  }

  private noteProblem(kind: RecordProblemKind, after?: string): void {
    if (this.problem !== undefined) return;
    this.problem = {
      kind,
      line: this.recordLine,
      problemLine: this.line,
      lastLine: this.line,
      fieldIndex: this.fieldIndex,
      bytes: 0,
      after,
    };
  }

  /** Closes the current record; returns whether its bytes should be passed on. */
  private endRecord(bytes: number, blank: boolean): boolean {
    let good = false;
    if (this.discarding || bytes > this.options.maxRecordBytes) {
      this.report('oversized-record', bytes, this.line);
    } else if (this.problem !== undefined) {
      this.options.onProblem({ ...this.problem, lastLine: this.line, bytes });
    } else if (blank) {
      this.options.onBlankLine?.(this.recordLine);
    } else {
      this.options.onRecord(this.recordLine, this.fieldIndex + 1);
      good = true;
    }
    this.line++;
    this.recordLine = this.line;
    this.fieldIndex = 0;
    this.fieldStart = true;
    this.recordBytes = 0;
    this.problem = undefined;
    this.discarding = false;
    return good;
  }

  private report(kind: RecordProblemKind, bytes: number, lastLine: number): void {
    this.options.onProblem({
      kind,
      line: this.recordLine,
      problemLine: this.recordLine,
      lastLine,
      fieldIndex: -1,
      bytes,
    });
  }

  private finish(): void {
    if (this.pending === PendingQuote.Quote) this.quoting = false;
    else if (this.pending === PendingQuote.QuoteThenCarriageReturn)
      this.noteProblem('text-after-closing-quote', '\r');
    this.pending = PendingQuote.None;
    if (this.recordBytes === 0) return;
    // A final line end inside an open quote belongs to the record but starts no new line.
    const lastLine = this.previousByte === LF ? this.line - 1 : this.line;
    if (this.discarding || this.recordBytes > this.options.maxRecordBytes) {
      this.report('oversized-record', this.recordBytes, lastLine);
    } else if (
      this.quoting &&
      lastLine > this.recordLine &&
      this.recordBytes <= this.options.maxRecordBytes
    ) {
      this.problem = {
        kind: 'unclosed-quote',
        line: this.recordLine,
        problemLine: this.quoteLine,
        lastLine: this.recordLine,
        fieldIndex: this.fieldIndex,
        bytes: 0,
      };
      this.resynchronise(Buffer.concat(this.held));
      this.finish();
      return;
    } else if (this.quoting) {
      this.options.onProblem({
        kind: 'unclosed-quote',
        line: this.recordLine,
        problemLine: this.quoteLine,
        lastLine,
        fieldIndex: this.fieldIndex,
        bytes: this.recordBytes,
      });
    } else if (this.problem !== undefined) {
      this.options.onProblem({ ...this.problem, lastLine, bytes: this.recordBytes });
    } else {
      this.options.onRecord(this.recordLine, this.fieldIndex + 1);
      for (const part of this.held) this.push(part);
    }
    this.held = [];
    this.recordBytes = 0;
  }
}

export function createCsvRecordFramer(options: CsvRecordFramerOptions): CsvRecordFramer {
  return new CsvRecordFramer(options);
}
