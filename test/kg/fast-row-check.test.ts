import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kgEdgeFastCheck } from '../../src/kg/fast-row-check.js';
import { ingestKg } from '../../src/kg/ingest.js';
import { columnsOf, kgEdgeRowSchema } from '../../src/kg/schemas.js';
import { mulberry32 } from '../../src/util/random.js';
import { createTemporaryDirectory } from './csv-test-helpers.js';
import { edgeRow, TINY_EDGES, writeTinyKg } from './tiny-kg.js';

const COLUMNS = columnsOf(kgEdgeRowSchema);

/** Field values near every rule of the schema: empty, control characters, bad UTF-8, index limits. */
const VALUES = [
  'protein_protein',
  'ppi',
  'x',
  '',
  ' ',
  'name, with comma',
  'tab\there',
  'bell\u0007',
  'line\nbreak',
  'bad\uFFFDbyte',
  'del\u007F',
  'α-synuclein',
  '0',
  '42',
  '007',
  '2147483647',
  '2147483648',
  '9999999999',
  '12345678901',
  '-1',
  '1.5',
  '1e3',
  ' 7',
];

function randomRow(random: () => number): string[] {
  const pick = () => VALUES[Math.floor(random() * VALUES.length)]!;
  // Mostly valid rows with one or two fields swapped for a tricky value, so both outcomes are common.
  const row = [
    'protein_protein',
    'ppi',
    '12',
    '9796',
    'gene/protein',
    'PHYHIP',
    'NCBI',
    '8889',
    '56992',
    'gene/protein',
    'KIF15',
    'NCBI',
  ];
  const changes = 1 + Math.floor(random() * 2);
  for (let change = 0; change < changes; change++) row[Math.floor(random() * row.length)] = pick();
  return row;
}

describe('kgEdgeFastCheck', () => {
  it('accepts exactly the rows kgEdgeRowSchema accepts, with the same record', () => {
    const random = mulberry32(7);
    const positions = COLUMNS.map((_, index) => index);
    let accepted = 0;
    for (let trial = 0; trial < 20_000; trial++) {
      const fields = randomRow(random);
      const raw = Object.fromEntries(COLUMNS.map((column, index) => [column, fields[index]!]));
      const parsed = kgEdgeRowSchema.safeParse(raw);
      const fast = kgEdgeFastCheck(fields, positions);
      expect(fast, JSON.stringify(fields)).toEqual(parsed.success ? parsed.data : undefined);
      if (fast !== undefined) accepted++;
    }
    expect(accepted).toBeGreaterThan(2_000);
    expect(accepted).toBeLessThan(18_000);
  });

  it('reads columns through the positions it is given (header order)', () => {
    const fields = ['NCBI', 'ppi', 'protein_protein', '12', '9796', 'gene/protein', 'PHYHIP'];
    const reversed = [...fields, '8889', '56992', 'gene/protein', 'KIF15', 'NCBI'];
    const positions = [2, 1, 3, 4, 5, 6, 0, 7, 8, 9, 10, 11];
    expect(kgEdgeFastCheck(reversed, positions)).toMatchObject({
      relation: 'protein_protein',
      x_index: 12,
      x_source: 'NCBI',
    });
  });
});

describe('ingest with the fast path', () => {
  let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
  beforeAll(async () => {
    root = await createTemporaryDirectory('biobridge-fast-');
  });
  afterAll(async () => {
    await root.cleanup();
  });

  it('gives the same graph, report and error messages as the zod path', async () => {
    const directory = join(root.path, 'kg');
    const badRows = [
      edgeRow('protein_protein', 'ppi', 10, 11).replace(/^protein_protein/, ''),
      edgeRow('protein_protein', 'ppi', 10, 11).replace(',10,', ',1x,'),
      edgeRow('protein_protein', 'ppi', 10, 11).replace('NCBI', 'NC\u0001BI'),
    ];
    const edges = [...TINY_EDGES, ...badRows];
    await writeTinyKg(directory, {
      replace: { kg: `${COLUMNS.join(',')}\n${edges.join('\n')}\n` },
    });
    const read = (fastPathMinBytes: number) => ingestKg(directory, { onError: 'skip', fastPathMinBytes });
    const [fast, slow] = await Promise.all([read(0), read(Number.POSITIVE_INFINITY)]);
    const withoutTimes = (report: typeof fast.report) => ({
      ...report,
      durationMs: undefined,
      files: report.files.map((file) => ({ ...file, durationMs: undefined })),
    });
    expect(withoutTimes(fast.report)).toEqual(withoutTimes(slow.report));
    expect(fast.report.malformedRows).toBe(3);
    expect(fast.graph.edgeCount).toBe(slow.graph.edgeCount);
    expect(Array.from(fast.graph.heads)).toEqual(Array.from(slow.graph.heads));
    expect(Array.from(fast.graph.tails)).toEqual(Array.from(slow.graph.tails));
  });
});
