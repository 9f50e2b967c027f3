import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { exportManifestSchema } from '../bridge/training-export.js';
import { AppError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { readJsonFile } from '../util/json-file.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { mulberry32 } from '../util/random.js';
import { readInt32 } from './training-data.js';

/**
 * Unseen-entity splits (format `biobridge-split` v1, train/FORMAT.md §2), written by TypeScript so
 * the trainer and the benchmark read the same files:
 * - test nodes of the type lose ALL their triples (as head or tail) from `train`;
 * - a second, disjoint set of validation nodes loses them too and its triples form `valid`
 *   (used to fit the fused ranking, never to report);
 * - `test` = every triple touching a test node; `heldOutNodes` = the test nodes.
 * Test nodes are the paper split's held-out nodes of the type when `splits/inductive.json` exists
 * (a bridge trained on `inductive-leakfree` then never saw any of their edges), else a seeded 10 %.
 */
export const UNSEEN_SPLITS = {
  'unseen-drug': 'drug',
  'unseen-protein': 'gene/protein',
  'unseen-disease': 'disease',
} as const;
export type UnseenSplitName = keyof typeof UNSEEN_SPLITS;

export function isUnseenSplit(name: string): name is UnseenSplitName {
  return Object.hasOwn(UNSEEN_SPLITS, name);
}

const HELD_OUT_FRACTION = 0.1;
const VALIDATION_FRACTION = 0.1;

const manifestSchema = exportManifestSchema.extend({
  registry: z.object({ nodeTypes: z.array(z.string()) }),
  nodeTables: z.array(z.object({ type: z.string(), nodeIndices: z.string() })),
});
const paperSplitSchema = z.object({ dataHash: z.string(), files: z.object({ heldOutNodes: z.string() }) });

/** Writes `splits/<name>.*` under the export unless a complete split is already there. */
export async function ensureUnseenSplit(
  exportDirectory: string,
  name: UnseenSplitName,
  options: { seed?: number | undefined; logger?: Logger | undefined } = {},
): Promise<void> {
  const splits = join(exportDirectory, 'splits');
  if (existsSync(join(splits, `${name}.json`))) return;
  const logger = options.logger ?? noopLogger;
  const seed = options.seed ?? 42;
  const type = UNSEEN_SPLITS[name];
  const manifestPath = join(exportDirectory, 'manifest.json');
  const notExport = `${manifestPath}: not a training export`;
  const json = await readJsonFile(manifestPath, { code: 'INVALID_INDEX', notJson: notExport });
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: notExport,
      cause: parsed.error,
    });
  const manifest = parsed.data;
  const table = manifest.nodeTables.find((entry) => entry.type === type);
  if (!table)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${manifestPath}: the export has no ${type} vectors, so ${name} cannot be made`,
    });
  const ofType = new Set(await readInt32(join(exportDirectory, table.nodeIndices)));
  const triples = await readInt32(join(exportDirectory, manifest.triples.file));

  const heads = distinctHeadsOfType(triples, ofType);
  const test =
    (await paperHeldOut(splits, manifest.dataHash, ofType)) ??
    seededSample(heads, HELD_OUT_FRACTION, seed, 0);
  const rest = heads.filter((node) => !test.has(node));
  const validation = seededSample(rest, VALIDATION_FRACTION, seed, 1);
  const parts = partitionTriples(triples, test, validation);
  const files = {
    train: `${name}.train.i32`,
    valid: `${name}.valid.i32`,
    test: `${name}.test.i32`,
    heldOutNodes: `${name}.held-out-nodes.i32`,
  };
  const heldOutNodes = Int32Array.from([...test].sort((left, right) => left - right));
  for (const [key, values] of [
    ['train', parts.train],
    ['valid', parts.valid],
    ['test', parts.test],
    ['heldOutNodes', heldOutNodes],
  ] as const)
    await writeFileAtomic(
      join(splits, files[key]),
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
  // The JSON is written last: its presence means the binary parts are complete.
  await writeFileAtomic(
    join(splits, `${name}.json`),
    JSON.stringify(
      {
        format: 'biobridge-split',
        formatVersion: 1,
        name,
        kind: name,
        seed,
        dataHash: manifest.dataHash,
        parameters: {
          heldOutFraction: HELD_OUT_FRACTION,
          validationFraction: VALIDATION_FRACTION,
          validationNodes: validation.size,
        },
        counts: {
          train: parts.train.length,
          valid: parts.valid.length,
          test: parts.test.length,
          heldOutNodes: heldOutNodes.length,
        },
        heldOutByType: { [type]: heldOutNodes.length },
        files,
        createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
      null,
      2,
    ) + '\n',
  );
  logger.info('unseen split written', {
    name,
    heldOut: heldOutNodes.length,
    validation: validation.size,
    train: parts.train.length,
    test: parts.test.length,
  });
}

function distinctHeadsOfType(triples: Int32Array, ofType: ReadonlySet<number>): number[] {
  const heads = new Set<number>();
  for (let row = 0; row < triples.length; row += 3) if (ofType.has(triples[row]!)) heads.add(triples[row]!);
  return [...heads].sort((left, right) => left - right);
}

async function paperHeldOut(
  splits: string,
  dataHash: string,
  ofType: ReadonlySet<number>,
): Promise<Set<number> | undefined> {
  const path = join(splits, 'inductive.json');
  if (!existsSync(path)) return undefined;
  const parsed = paperSplitSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success || parsed.data.dataHash !== dataHash) return undefined;
  const nodes = await readInt32(join(splits, parsed.data.files.heldOutNodes));
  const held = new Set(Array.from(nodes).filter((node) => ofType.has(node)));
  return held.size > 0 ? held : undefined;
}

/** floor(fraction × n) nodes drawn by a seeded Fisher–Yates shuffle (mulberry32). */
export function seededSample(
  nodes: readonly number[],
  fraction: number,
  seed: number,
  salt: number,
): Set<number> {
  const order = [...nodes];
  const next = mulberry32(seed * 0x9e3779b1 + salt * 0x85ebca6b);
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return new Set(order.slice(0, Math.floor(fraction * nodes.length)));
}

function partitionTriples(
  triples: Int32Array,
  test: ReadonlySet<number>,
  validation: ReadonlySet<number>,
): { train: Int32Array; valid: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const valid: number[] = [];
  const tested: number[] = [];
  for (let row = 0; row < triples.length / 3; row++) {
    const head = triples[row * 3]!;
    const tail = triples[row * 3 + 2]!;
    if (test.has(head) || test.has(tail)) tested.push(row);
    else if (validation.has(head) || validation.has(tail)) valid.push(row);
    else train.push(row);
  }
  return { train: Int32Array.from(train), valid: Int32Array.from(valid), test: Int32Array.from(tested) };
}
