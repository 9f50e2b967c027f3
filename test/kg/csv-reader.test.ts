import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { formatRowError, openCsvFile } from '../../src/kg/csv-reader.js';
import { kgEdgeRowSchema, nodeRowSchema } from '../../src/kg/schemas.js';
import { readAllRows, useTemporaryDirectory } from './csv-test-helpers.js';
import { rejection } from '../helpers/expect-app-error.js';

const HEADER = 'node_index,node_id,node_type,node_name,node_source\n';

const directory = useTemporaryDirectory();

async function readNodes(
  name: string,
  content: string | Buffer,
  options: Parameters<typeof readAllRows>[2] = {},
) {
  return readAllRows(await directory.write(name, content), nodeRowSchema, options);
}

/** A node file whose line 3 opens a quote that is never closed, followed by `validRows` valid rows. */
function unclosedQuoteBefore(validRows: number): string {
  const rowsAfter = Array.from(
    { length: validRows },
    (_, index) => `${index + 10},N${index},drug,name ${index},DB`,
  ).join('\n');
  return `${HEADER}0,A,drug,ok,DB\n1,B,drug,"oops,DB\n${rowsAfter}\n`;
}

describe('openCsvFile: well-formed input', () => {
  it('reads typed rows with their line numbers', async () => {
    const { rows, errors, report } = await readNodes(
      'plain.csv',
      `${HEADER}0,GO:0000002,biological_process,mitochondrial genome maintenance,GO\n7,1,gene/protein,A1BG,NCBI\n`,
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        record: {
          node_index: 0,
          node_id: 'GO:0000002',
          node_type: 'biological_process',
          node_name: 'mitochondrial genome maintenance',
          node_source: 'GO',
        },
      },
      {
        line: 3,
        record: {
          node_index: 7,
          node_id: '1',
          node_type: 'gene/protein',
          node_name: 'A1BG',
          node_source: 'NCBI',
        },
      },
    ]);
    expect(report).toMatchObject({ rowsRead: 2, rowsSkipped: 0, extraColumns: [], blankLines: 0 });
  });

  it('reads gzip files the same as plain ones', async () => {
    const content = `${HEADER}0,GO:1,biological_process,"a, b",GO\n1,2,gene/protein,B,NCBI\n`;
    const plain = await readNodes('same.csv', content);
    const gzip = await readNodes('same.csv.gz', content);
    expect(gzip.rows).toEqual(plain.rows);
    expect(gzip.rows).toHaveLength(2);
    expect(gzip.report.bytesRead).toBeLessThan(plain.report.bytesRead + 40);
    expect(gzip.report.file).toBe('same.csv.gz');
  });

  it('handles RFC 4180 quoting: embedded commas, quotes and newlines, with the starting line', async () => {
    const { rows, errors } = await readNodes(
      'quoted.csv',
      `${HEADER}1,X:1,disease,"alpha-1,6-mannosyl ""quoted""",DO\n2,X:2,disease,"two\nlines\nname",DO\n3,X:3,disease,plain,DO\n`,
    );
    expect(errors).toEqual([]);
    expect(rows.map((row) => [row.line, row.record.node_name])).toEqual([
      [2, 'alpha-1,6-mannosyl "quoted"'],
      [3, 'two\nlines\nname'],
      [6, 'plain'],
    ]);
  });

  it('strips a UTF-8 byte-order mark and accepts CRLF line ends', async () => {
    const { rows, errors, report } = await readNodes(
      'bom-crlf.csv',
      `\uFEFF${HEADER.replace('\n', '\r\n')}0,A,drug,"multi\r\nline",DrugBank\r\n1,B,drug,Aspirin,DrugBank\r\n`,
    );
    expect(errors).toEqual([]);
    expect(report.columns[0]).toBe('node_index');
    expect(rows.map((row) => [row.line, row.record.node_name, row.record.node_source])).toEqual([
      [2, 'multi\r\nline', 'DrugBank'],
      [4, 'Aspirin', 'DrugBank'],
    ]);
  });

  it('reports extra columns and ignores them; column order does not matter', async () => {
    const { rows, report } = await readNodes(
      'extra.csv',
      'node_source,node_index,comment,node_id,node_type,node_name\nGO,5,ignored,GO:5,biological_process,five\n',
    );
    expect(report.extraColumns).toEqual(['comment']);
    expect(rows[0]?.record).toEqual({
      node_index: 5,
      node_id: 'GO:5',
      node_type: 'biological_process',
      node_name: 'five',
      node_source: 'GO',
    });
  });

  it('counts blank lines without treating them as rows', async () => {
    const { rows, report } = await readNodes('blank.csv', `${HEADER}\n0,A,drug,a,DB\n\r\n\n1,B,drug,b,DB`);
    expect(rows.map((row) => row.line)).toEqual([3, 6]);
    expect(report).toMatchObject({ rowsRead: 2, blankLines: 3, rowsSkipped: 0 });
  });

  it('reads a file whose last row has no line end, and a file with a header only', async () => {
    const noNewline = await readNodes('no-newline.csv', `${HEADER}0,A,drug,a,DB`);
    expect(noNewline.rows.map((row) => row.record.node_id)).toEqual(['A']);
    const headerOnly = await readNodes('header-only.csv', HEADER);
    expect(headerOnly.rows).toEqual([]);
    expect(headerOnly.report.rowsRead).toBe(0);
  });
});

describe('openCsvFile: malformed rows', () => {
  it('names file, line and column for every bad row, and keeps reading in skip mode', async () => {
    const { rows, errors, report } = await readNodes(
      'nodes.csv.gz',
      [
        HEADER.trimEnd(),
        '0,A,drug,ok,DB',
        'abc,B,drug,bad index,DB',
        '-1,C,drug,negative,DB',
        '2147483648,D,drug,too large,DB',
        '3,,drug,empty id,DB',
        '4,E,drug,short row',
        '5,F,drug,long,row,extra',
        '6,G,drug,ok,DB',
      ].join('\n') + '\n',
    );
    expect(rows.map((row) => row.record.node_id)).toEqual(['A', 'G']);
    expect(errors).toMatchInlineSnapshot(`
      [
        "nodes.csv.gz line 3, column node_index: expected a non-negative integer, got 'abc'",
        "nodes.csv.gz line 4, column node_index: expected a non-negative integer, got '-1'",
        "nodes.csv.gz line 5, column node_index: expected a node index of at most 2147483647, got '2147483648'",
        "nodes.csv.gz line 6, column node_id: must not be empty",
        "nodes.csv.gz line 7: expected 5 fields, got 4",
        "nodes.csv.gz line 8: expected 5 fields, got 6",
      ]
    `);
    expect(report).toMatchObject({ rowsRead: 8, rowsSkipped: 6, errorsOmitted: 0 });
  });

  it('throws an INVALID_INPUT_FILE AppError at the first bad row in fail mode', async () => {
    const path = await directory.write(
      'fail.csv',
      `${HEADER}0,A,drug,ok,DB\n1,B,drug,ok,DB\nx,C,drug,bad,DB\n3,D,drug,bad,\u0000\n`,
    );
    const reader = openCsvFile(path, nodeRowSchema, { onError: 'fail' });
    const seen: number[] = [];
    const failure = await (async () => {
      for await (const row of reader.rows()) seen.push(row.record.node_index);
    })().catch((error: unknown) => error);
    expect(seen).toEqual([0, 1]);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('INVALID_INPUT_FILE');
    expect((failure as AppError).message).toBe(
      "fail.csv line 4, column node_index: expected a non-negative integer, got 'x'",
    );
    expect((failure as AppError).details).toEqual({
      file: 'fail.csv',
      line: 4,
      column: 'node_index',
      message: "expected a non-negative integer, got 'x'",
    });
  });

  it('keeps the first N messages but counts every skipped row', async () => {
    const bad = Array.from({ length: 30 }, (_, index) => `bad${index},X,drug,n,DB`).join('\n');
    const { errors, report } = await readNodes('many.csv', `${HEADER}${bad}\n0,A,drug,ok,DB\n`, {
      maxErrorsKept: 5,
    });
    expect(errors).toHaveLength(5);
    expect(errors[4]).toBe("many.csv line 6, column node_index: expected a non-negative integer, got 'bad4'");
    expect(report).toMatchObject({ rowsRead: 31, rowsSkipped: 30, errorsOmitted: 25 });
  });

  it('lets the caller reject rows with the same accounting', async () => {
    const path = await directory.write('reject.csv', `${HEADER}0,A,drug,a,DB\n1,B,drug,b,DB\n`);
    const reader = openCsvFile(path, nodeRowSchema, { onError: 'skip' });
    for await (const row of reader.rows())
      if (row.record.node_index === 1) reader.reject(row.line, 'node_type', 'drug is not allowed here');
    expect(reader.report.errors.map(formatRowError)).toEqual([
      'reject.csv line 3, column node_type: drug is not allowed here',
    ]);
    expect(reader.report.rowsSkipped).toBe(1);
  });
});

describe('openCsvFile: lifecycle', () => {
  it('stops with an AbortError when the signal fires', async () => {
    const path = await directory.write('abort.csv', `${HEADER}${'0,A,drug,a,DB\n'.repeat(10)}`);
    const controller = new AbortController();
    controller.abort();
    const reader = openCsvFile(path, nodeRowSchema, { onError: 'fail', signal: controller.signal });
    const failure = await (async () => {
      for await (const row of reader.rows()) void row;
    })().catch((error: unknown) => error);
    expect((failure as Error).name).toBe('AbortError');
  });

  it('can be iterated once', async () => {
    const path = await directory.write('once.csv', `${HEADER}0,A,drug,a,DB\n`);
    const reader = openCsvFile(path, nodeRowSchema, { onError: 'fail' });
    for await (const row of reader.rows()) void row;
    await expect(reader.rows().next()).rejects.toThrow('once.csv is already being read');
  });
});

describe('openCsvFile: header problems are fatal', () => {
  it('names the missing column and the file', async () => {
    const path = await directory.write(
      'missing.csv.gz',
      'node_index,node_id,node_name,node_source\n0,A,a,DB\n',
    );
    await expect(readAllRows(path, nodeRowSchema)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[AppError: missing.csv.gz line 1: header lacks column node_type (found: node_index, node_id, node_name, node_source)]`,
    );
  });

  it('rejects an empty file, a repeated column and an unreadable header', async () => {
    await expect(readNodes('empty.csv', '')).rejects.toThrow(
      'empty.csv: file is empty; expected a header with node_index, node_id, node_type, node_name, node_source',
    );
    await expect(
      readNodes('twice.csv', 'node_index,node_id,node_type,node_name,node_source,node_id\n'),
    ).rejects.toThrow('twice.csv line 1: header lists column node_id twice');
    await expect(readNodes('bad-header.csv', `"node_index,node_id\n`)).rejects.toThrow(
      /^bad-header\.csv line 1: cannot read the header: quoted field opened on line 1 is never closed/,
    );
  });

  it('fails clearly on missing files, corrupt gzip and UTF-16', async () => {
    await expect(readAllRows(`${directory.path}/absent.csv`, nodeRowSchema)).rejects.toThrow(
      'absent.csv: cannot be read (ENOENT)',
    );
    const corrupt = await directory.write('corrupt.csv.gz', HEADER);
    const truncated = (await import('node:zlib')).gzipSync(
      Buffer.from(`${HEADER}${'0,A,drug,a,DB\n'.repeat(1000)}`),
    );
    const { writeFile } = await import('node:fs/promises');
    await writeFile(corrupt, truncated.subarray(0, truncated.length - 20));
    const result = await rejection(readAllRows(corrupt, nodeRowSchema));
    expect(result.message).toBe('corrupt.csv.gz: is not valid gzip data (truncated or corrupt)');
    await expect(
      readNodes('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')])),
    ).rejects.toThrow('utf16.csv: cannot be read');
  });
});

describe('openCsvFile: hostile input', () => {
  it('skips an unbalanced quote in the middle of a file and resynchronises on the next line', async () => {
    const { rows, errors } = await readNodes(
      'quotes.csv',
      `${HEADER}0,A,drug,"closed" early,DB\n1,B,drug,say "hi",DB\n2,C,drug,fine,DB\n`,
    );
    expect(rows.map((row) => row.record.node_id)).toEqual(['C']);
    expect(errors).toMatchInlineSnapshot(`
      [
        "quotes.csv line 2, column node_name: closing quote followed by ' ' instead of a comma or line end",
        "quotes.csv line 3, column node_name: quote inside an unquoted field; quote the whole field and double the inner quote",
      ]
    `);
  });

  it('an unclosed quote costs one row: the valid rows after it are kept (within the record limit)', async () => {
    const { rows, errors, report } = await readNodes('stray.csv', unclosedQuoteBefore(47));
    expect(rows).toHaveLength(48);
    expect(report.skippedLines).toEqual([3]);
    expect(rows.map((row) => row.line).slice(0, 3)).toEqual([2, 4, 5]);
    expect(errors).toEqual([
      'stray.csv line 3, column node_name: quoted field opened on line 3 is never closed; the line is skipped and reading resumes on the next line',
    ]);
  });

  it('skips the line of a quote that is never closed and keeps the valid rows after it', async () => {
    const { rows, errors, report } = await readNodes(
      'unclosed.csv',
      `${HEADER}0,A,drug,fine,DB\n1,B,drug,"never closed,DB\n2,C,drug,x,DB\n3,D,drug,y,DB\n`,
    );
    expect(rows.map((row) => row.record.node_id)).toEqual(['A', 'C', 'D']);
    expect(errors).toMatchInlineSnapshot(`
      [
        "unclosed.csv line 3, column node_name: quoted field opened on line 3 is never closed; the line is skipped and reading resumes on the next line",
      ]
    `);
    expect(report.rowsSkipped).toBe(1);
  });

  it('bounds memory for an oversized field or record and resumes on the next record', async () => {
    const big = 'x'.repeat(5000);
    const { rows, errors } = await readNodes(
      'big.csv',
      `${HEADER}0,A,drug,${big},DB\n1,B,drug,"${big}\n${big}",DB\n2,C,drug,${'y'.repeat(900)},DB\n3,D,drug,ok,DB\n`,
      { maxFieldBytes: 1000, maxRecordBytes: 8000 },
    );
    expect(rows.map((row) => row.record.node_id)).toEqual(['C', 'D']);
    expect(errors).toMatchInlineSnapshot(`
      [
        "big.csv line 2, column node_name: field has 5000 bytes, over the limit of 1000",
        "big.csv line 3: record spanning lines 3-4 has 10016 bytes, over the limit of 8000 (an unbalanced quote can cause this); skipped",
      ]
    `);
  });

  it('drops the rest of a large file swallowed by an unclosed quote past the record limit without buffering it', async () => {
    const { rows, errors, report } = await readNodes('swallowed.csv.gz', unclosedQuoteBefore(2000), {
      maxRecordBytes: 4096,
    });
    expect(rows).toHaveLength(1);
    expect(errors).toMatchInlineSnapshot(`
      [
        "swallowed.csv.gz line 3: record spanning lines 3-2003 has 54718 bytes, over the limit of 4096 (an unbalanced quote can cause this); skipped",
      ]
    `);
    expect(report.rowsSkipped).toBe(1);
  });

  it('rejects NUL bytes, other control characters and invalid UTF-8 in text fields', async () => {
    const content = Buffer.concat([
      Buffer.from(`${HEADER}0,A\u0000B,drug,x,DB\n1,B,drug,bell\u0007,DB\n2,C,drug,`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',DB\n3,D,drug,tab\tok,DB\n'),
    ]);
    const { rows, errors } = await readNodes('control.csv', content);
    expect(rows.map((row) => row.record.node_name)).toEqual(['tab\tok']);
    expect(errors).toMatchInlineSnapshot(`
      [
        "control.csv line 2, column node_id: contains the control character U+0000 at position 2",
        "control.csv line 3, column node_name: contains the control character U+0007 at position 5",
        "control.csv line 4, column node_name: contains bytes that are not valid UTF-8 at position 1",
      ]
    `);
  });

  it('survives binary junk', async () => {
    let seed = 7;
    const junk = Buffer.alloc(200_000);
    for (let index = 0; index < junk.length; index++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      junk[index] = seed >>> 24;
    }
    const { rows, report } = await readNodes(
      'junk.csv',
      Buffer.concat([Buffer.from(HEADER), junk, Buffer.from('\n9,Z,drug,last,DB\n')]),
      {
        maxRecordBytes: 10_000,
      },
    );
    expect(report.rowsSkipped).toBeGreaterThan(0);
    expect(report.rowsRead).toBeGreaterThanOrEqual(report.rowsSkipped);
    expect(rows.every((row) => Number.isInteger(row.record.node_index))).toBe(true);
  });

  it('validates every column of a kg.csv row', async () => {
    const path = await directory.write(
      'kg.csv',
      'relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source\n' +
        'protein_protein,ppi,1,1,gene/protein,A1BG,NCBI,2,310,gene/protein,ANXA7,NCBI\n' +
        'protein_protein,,1,1,gene/protein,A1BG,NCBI,2,310,gene/protein,ANXA7,NCBI\n' +
        'protein_protein,ppi,1,1,gene/protein,A1BG,NCBI,2.5,310,gene/protein,ANXA7,NCBI\n',
    );
    const { rows, errors } = await readAllRows(path, kgEdgeRowSchema);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.record).toMatchObject({ x_index: 1, y_index: 2, display_relation: 'ppi' });
    expect(errors).toEqual([
      'kg.csv line 3, column display_relation: must not be empty',
      "kg.csv line 4, column y_index: expected a non-negative integer, got '2.5'",
    ]);
  });
});
