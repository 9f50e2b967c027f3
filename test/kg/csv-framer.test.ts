import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createCsvRecordFramer, type RecordProblem } from '../../src/kg/csv-framer.js';

interface Framed {
  output: string;
  records: [number, number][];
  problems: RecordProblem[];
  blankLines: number[];
}

/** Runs the framer over `input` cut into `chunkSize`-byte chunks. */
async function frame(input: string, chunkSize: number, maxRecordBytes = 1 << 20): Promise<Framed> {
  const records: [number, number][] = [];
  const problems: RecordProblem[] = [];
  const blankLines: number[] = [];
  const framer = createCsvRecordFramer({
    maxRecordBytes,
    onRecord: (line, fieldCount) => records.push([line, fieldCount]),
    onProblem: (problem) => problems.push(problem),
    onBlankLine: (line) => blankLines.push(line),
  });
  const parts: Buffer[] = [];
  framer.on('data', (part: Buffer) => parts.push(part));
  const finished = new Promise((resolve, reject) => {
    framer.on('end', resolve);
    framer.on('error', reject);
  });
  const bytes = Buffer.from(input, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += chunkSize)
    framer.write(bytes.subarray(offset, Math.min(offset + chunkSize, bytes.length)));
  framer.end();
  await finished;
  return { output: Buffer.concat(parts).toString('utf8'), records, problems, blankLines };
}

const CHUNK_SIZES = [1, 2, 3, 5, 7, 13, 64, 1 << 16];

describe('CsvRecordFramer', () => {
  it('passes well-formed CSV through unchanged, whatever the chunk boundaries', async () => {
    const input =
      'a,b,c\r\n"x ""y""",2,"multi\nline"\n"",,"a""\r\nb"\r\n"end","q""",z\n"q"",\n""",x,"y"\n4,5,6';
    const expected = await frame(input, 1 << 16);
    expect(expected.output).toBe(input);
    expect(expected.records).toEqual([
      [1, 3],
      [2, 3],
      [4, 3],
      [6, 3],
      [7, 3],
      [9, 3],
    ]);
    expect(expected.problems).toEqual([]);
    for (const chunkSize of CHUNK_SIZES) expect(await frame(input, chunkSize)).toEqual(expected);
    // Every record the framer announces is one record csv-parse emits, with the same field count.
    const parsed: string[][] = parse(input, { record_delimiter: ['\r\n', '\n'], relax_column_count: true });
    expect(parsed.map((fields) => fields.length)).toEqual(expected.records.map(([, count]) => count));
  });

  it('finds the same problems and drops the same records at every chunk size', async () => {
    const input = [
      'h1,h2',
      'ok,1',
      'bad "quote",2',
      '"closed"x,3',
      'after,4',
      '"close at end"\r',
      'x,5',
      '',
      'ok,6',
      '"never closed,7',
      'swallowed,8',
    ].join('\n');
    const expected = await frame(input, 1 << 16);
    expect(
      expected.problems.map((problem) => [problem.kind, problem.line, problem.lastLine, problem.fieldIndex]),
    ).toEqual([
      ['quote-inside-unquoted-field', 3, 3, 0],
      // a stray quote costs its own line only: the lines after it are scanned again
      ['text-after-closing-quote', 4, 4, 0],
      ['unclosed-quote', 10, 10, 0],
    ]);
    expect(expected.records).toEqual([
      [1, 2],
      [2, 2],
      [5, 2],
      [6, 1],
      [7, 2],
      [9, 2],
      [11, 2],
    ]);
    expect(expected.blankLines).toEqual([8]);
    expect(expected.output).toBe('h1,h2\nok,1\nafter,4\n"close at end"\r\nx,5\nok,6\nswallowed,8');
    for (const chunkSize of CHUNK_SIZES) expect(await frame(input, chunkSize)).toEqual(expected);
  });

  it('drops records over the byte limit while reading them', async () => {
    const input = `a,b\n${'x'.repeat(100)},1\nshort,2\n"${'y'.repeat(50)}\n${'y'.repeat(50)}",3\nlast,4\n`;
    const expected = await frame(input, 1 << 16, 60);
    expect(expected.output).toBe('a,b\nshort,2\nlast,4\n');
    expect(
      expected.problems.map((problem) => [problem.kind, problem.line, problem.lastLine, problem.bytes]),
    ).toEqual([
      ['oversized-record', 2, 2, 103],
      ['oversized-record', 4, 5, 106],
    ]);
    for (const chunkSize of CHUNK_SIZES) expect(await frame(input, chunkSize, 60)).toEqual(expected);
  });

  it('agrees with csv-parse on random quoted input', async () => {
    let seed = 12345;
    const random = (limit: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % limit;
    };
    const pieces = ['a', 'b', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'é'];
    for (let round = 0; round < 200; round++) {
      let input = '';
      const length = 1 + random(60);
      for (let index = 0; index < length; index++) input += pieces[random(pieces.length)];
      const framed = await frame(input, 1 + random(8));
      expect(framed).toEqual(await frame(input, 1 << 16));
      // Whatever the framer lets through must parse cleanly, record for record.
      const parsed: string[][] = parse(framed.output, {
        record_delimiter: ['\r\n', '\n'],
        relax_column_count: true,
        skip_empty_lines: false,
      });
      expect(
        parsed.map((fields) => fields.length),
        JSON.stringify(input),
      ).toEqual(framed.records.map(([, count]) => count));
      // Without problems it keeps exactly what csv-parse keeps; with a stray quote it keeps more
      // (the lines after it are rescanned), so only the clean case is compared.
      if (framed.problems.length > 0) continue;
      const kept: string[][] = parse(input, {
        record_delimiter: ['\r\n', '\n'],
        relax_column_count: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
      });
      expect(parsed, JSON.stringify(input)).toEqual(kept);
    }
  });

  it('refuses UTF-16 input', async () => {
    await expect(frame('\uFEFFa,b\n'.replace('\uFEFF', ''), 4)).resolves.toMatchObject({ records: [[1, 2]] });
    const framer = createCsvRecordFramer({ maxRecordBytes: 100, onRecord: () => {}, onProblem: () => {} });
    const failure = new Promise((resolve) => framer.on('error', resolve));
    framer.write(Buffer.from([0xff, 0xfe, 0x61, 0x00]));
    expect(String(await failure)).toContain('UTF-16');
  });
});
