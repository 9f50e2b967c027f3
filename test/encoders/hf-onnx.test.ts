import { cp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEncoder } from '../../src/encoders/create-encoder.js';
import {
  createHfOnnxEncoder,
  type HfOnnxEncoder,
  type HfOnnxOptionsInput,
  type HfOnnxPooling,
} from '../../src/encoders/hf-onnx.js';
import { bytesOf, vectorOf } from './helpers.js';
import { useTemporaryDirectories } from '../helpers/temporary-directories.js';

const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const LOAD_TIMEOUT = 20_000;

interface Expected {
  hidden_size: number;
  cases: { input: string; input_ids: number[]; pooled: Record<HfOnnxPooling, number[]> }[];
  truncation: {
    max_length: number;
    input: string;
    input_ids: number[];
    pooled: Record<HfOnnxPooling, number[]>;
  };
}

async function expected(name: string): Promise<Expected> {
  return JSON.parse(await readFile(join(MODELS, name, 'expected.json'), 'utf8')) as Expected;
}

function expectClose(actual: Float32Array, wanted: number[]): void {
  expect(actual.length).toBe(wanted.length);
  wanted.forEach((value, index) => expect(actual[index]).toBeCloseTo(value, 4));
}

const MODEL_CASES = [
  { name: 'tiny-esm', modality: 'protein', poolings: ['esm-mean', 'masked-mean', 'cls'] },
  { name: 'tiny-bert', modality: 'text', poolings: ['masked-mean', 'cls', 'esm-mean'] },
] as const;

/** The tiny ESM protein model with its PyTorch-checked pooling. */
const TINY_ESM = { modelPath: join(MODELS, 'tiny-esm'), modality: 'protein', pooling: 'esm-mean' } as const;

/** Runs `use` on a fresh encoder and disposes of it afterwards, whether `use` passes or fails. */
async function withEncoder(
  options: HfOnnxOptionsInput,
  use: (encoder: HfOnnxEncoder) => Promise<void>,
): Promise<void> {
  const encoder = await createHfOnnxEncoder(options);
  try {
    await use(encoder);
  } finally {
    await encoder.dispose!();
  }
}

describe('hf-onnx encoder on tiny fixture models', () => {
  const temporaryDirectory = useTemporaryDirectories('hf-onnx-');

  for (const { name, modality, poolings } of MODEL_CASES) {
    for (const pooling of poolings) {
      it(
        `${name}: ${pooling} pooling matches PyTorch, batched with padding`,
        async () => {
          const fixture = await expected(name);
          await withEncoder(
            { modelPath: join(MODELS, name), modality, pooling, batchSize: 3 },
            async (encoder) => {
              expect(encoder.dimension).toBe(fixture.hidden_size);
              expect(encoder.modality).toBe(modality);
              const inputs = fixture.cases.map((item) => item.input);
              for (const item of fixture.cases)
                expect(encoder.tokenize(item.input)).toEqual({ ok: true, value: item.input_ids });
              const outcomes = await encoder.encode(inputs);
              fixture.cases.forEach((item, index) =>
                expectClose(vectorOf(outcomes[index]), item.pooled[pooling]),
              );
            },
          );
        },
        LOAD_TIMEOUT,
      );
    }

    it(
      `${name}: truncates to maxLength keeping the closing special token`,
      async () => {
        const { truncation } = await expected(name);
        const pooling = poolings[0];
        await withEncoder(
          { modelPath: join(MODELS, name), modality, pooling, maxLength: truncation.max_length },
          async (encoder) => {
            expect(encoder.tokenize(truncation.input)).toEqual({ ok: true, value: truncation.input_ids });
            expectClose(vectorOf((await encoder.encode([truncation.input]))[0]), truncation.pooled[pooling]);
          },
        );
      },
      LOAD_TIMEOUT,
    );
  }

  it(
    'is deterministic: a sequence gets the same bytes alone and inside a padded batch',
    async () => {
      await withEncoder({ ...TINY_ESM, batchSize: 4 }, async (encoder) => {
        const batch = await encoder.encode(['MKTAYIAKQRQISFVKSHFSRQ', 'MK', 'ACDEFGHIKLMNPQRSTVWY']);
        const alone = await encoder.encode(['MK']);
        expect(bytesOf(vectorOf(alone[0])).equals(bytesOf(vectorOf(batch[1])))).toBe(true);
      });
    },
    LOAD_TIMEOUT,
  );

  it(
    'validates protein input like protein-kmer and keeps the batch going',
    async () => {
      await withEncoder({ ...TINY_ESM, maxResidues: 30 }, async (encoder) => {
        const outcomes = await encoder.encode(['mkta yiak', 'MK*T', '', 'A'.repeat(31), 'MKTAYIAKQR']);
        expect(vectorOf(outcomes[0]).length).toBe(32);
        expect(outcomes[1]).toMatchObject({
          ok: false,
          error: { code: 'INVALID_SEQUENCE', message: expect.stringContaining('"*" at position 3') },
        });
        expect(outcomes[2]).toMatchObject({ ok: false, error: { code: 'EMPTY' } });
        expect(outcomes[3]).toMatchObject({ ok: false, error: { code: 'TOO_LONG' } });
        expect(vectorOf(outcomes[4]).length).toBe(32);
      });
    },
    LOAD_TIMEOUT,
  );

  it(
    'loads an optimum-style ESM directory: model.onnx at the top level and vocab.txt only',
    async () => {
      const directory = await temporaryDirectory('flat-');
      for (const file of ['config.json', 'vocab.txt'])
        await cp(join(MODELS, 'tiny-esm', file), join(directory, file));
      await cp(join(MODELS, 'tiny-esm', 'onnx', 'model.onnx'), join(directory, 'model.onnx'));
      const fixture = await expected('tiny-esm');
      await withEncoder({ ...TINY_ESM, modelPath: directory }, async (encoder) => {
        const outcomes = await encoder.encode(fixture.cases.map((item) => item.input));
        fixture.cases.forEach((item, index) =>
          expectClose(vectorOf(outcomes[index]), item.pooled['esm-mean']),
        );
      });
    },
    LOAD_TIMEOUT,
  );

  it(
    'hashes pooling and model files but not the directory; round-trips through loadEncoder',
    async () => {
      const copy = await temporaryDirectory('copy-');
      const saved = await temporaryDirectory('saved-');
      await cp(join(MODELS, 'tiny-bert'), copy, { recursive: true });
      const original = await createHfOnnxEncoder({
        modelPath: join(MODELS, 'tiny-bert'),
        modality: 'text',
        pooling: 'masked-mean',
      });
      const moved = await createHfOnnxEncoder({
        modelPath: copy,
        modality: 'text',
        pooling: 'masked-mean',
        batchSize: 2,
      });
      const clsPooling = await createHfOnnxEncoder({ modelPath: copy, modality: 'text', pooling: 'cls' });
      try {
        expect(moved.describe().configHash).toBe(original.describe().configHash);
        expect(clsPooling.describe().configHash).not.toBe(original.describe().configHash);
        expect(original.describe().options).toMatchObject({
          pooling: 'masked-mean',
          maxLength: 64,
          model: { type: 'bert', hiddenSize: 32 },
        });

        await moved.save(saved);
        const restored = await loadEncoder(saved);
        const [before, after] = [
          await moved.encode(['insulin kinase']),
          await restored.encode(['insulin kinase']),
        ];
        expect(bytesOf(vectorOf(after[0])).equals(bytesOf(vectorOf(before[0])))).toBe(true);
        await restored.dispose!();

        // Different weights at the recorded path: the fingerprint no longer matches.
        const config = JSON.parse(await readFile(join(copy, 'config.json'), 'utf8'));
        await writeFile(join(copy, 'config.json'), JSON.stringify({ ...config, layer_norm_eps: 1e-6 }));
        await expect(loadEncoder(saved)).rejects.toMatchObject({
          code: 'INVALID_INDEX',
          message: expect.stringContaining(`the model files at ${copy} differ`),
        });
        // Pointing modelPaths at the original files loads again.
        const relocated = await loadEncoder(saved, { modelPaths: { [copy]: join(MODELS, 'tiny-bert') } });
        expect(relocated.describe().configHash).toBe(moved.describe().configHash);
        await relocated.dispose!();
      } finally {
        await Promise.all([original.dispose!(), moved.dispose!(), clsPooling.dispose!()]);
      }
    },
    LOAD_TIMEOUT,
  );

  it('names the directory when the model or tokenizer is missing', async () => {
    const empty = await temporaryDirectory('empty-');
    await expect(
      createHfOnnxEncoder({ modelPath: empty, modality: 'text', pooling: 'cls' }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining(join(empty, 'config.json')),
    });
    await writeFile(join(empty, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 8 }));
    await expect(
      createHfOnnxEncoder({ modelPath: empty, modality: 'text', pooling: 'cls' }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: `no tokenizer in ${empty}: expected tokenizer.json + tokenizer_config.json`,
    });
  });
});
