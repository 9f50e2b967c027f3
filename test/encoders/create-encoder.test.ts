import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEncoders, loadEncoder } from '../../src/encoders/create-encoder.js';
import {
  DEFAULT_ENCODER_CONFIG,
  encoderDirectoryName,
  resolveEncoderConfig,
  textCorpusNodeTypes,
  type TextEncoderSpec,
} from '../../src/encoders/encoder-config.js';
import { computeConfigHash } from '../../src/encoders/encoder-description.js';
import type { VariantTextEncoder } from '../../src/encoders/variant-text.js';
import { TEXT_CORPUS } from '../fixtures/encoders/text-corpus.js';
import { bytesOf, vectorOf } from './helpers.js';
import { useTemporaryDirectories } from '../helpers/temporary-directories.js';

describe('encoder configuration', () => {
  it('defaults every KG node type with a payload to a built-in encoder', () => {
    const config = resolveEncoderConfig();
    expect(Object.fromEntries(Object.entries(config).map(([type, spec]) => [type, spec?.kind]))).toEqual({
      'gene/protein': 'protein-kmer',
      drug: 'molecule-morgan',
      biological_process: 'text-tfidf',
      molecular_function: 'text-tfidf',
      cellular_component: 'text-tfidf',
      disease: 'text-tfidf',
      'effect/phenotype': 'text-tfidf',
      pathway: 'text-tfidf',
      variant: 'variant-text',
    });
    expect(config.drug?.options).toEqual({ radius: 2, size: 1024, useChirality: false, scaling: 'log1p' });
  });

  it('shares one text encoder between the text types and the variant encoder', () => {
    const config = resolveEncoderConfig();
    const names = new Set(
      ['biological_process', 'disease', 'pathway', 'effect/phenotype'].map((type) =>
        encoderDirectoryName(config[type]!),
      ),
    );
    expect(names.size).toBe(1);
    const variant = config.variant!;
    if (variant.kind !== 'variant-text') throw new Error('expected variant-text');
    expect(encoderDirectoryName(variant.options.text)).toBe([...names][0]);
    expect(textCorpusNodeTypes(config, config.disease as TextEncoderSpec).sort()).toEqual([
      'biological_process',
      'cellular_component',
      'disease',
      'effect/phenotype',
      'molecular_function',
      'pathway',
      'variant',
    ]);
  });

  it('lets overrides replace or remove a node type and rejects unknown kinds', () => {
    const config = resolveEncoderConfig({
      drug: null,
      'gene/protein': {
        kind: 'hf-onnx',
        options: { modelPath: '/models/esm2', modality: 'protein', pooling: 'esm-mean' },
      },
    });
    expect(config.drug).toBeNull();
    expect(config['gene/protein']).toEqual({
      kind: 'hf-onnx',
      options: {
        modelPath: '/models/esm2',
        modality: 'protein',
        pooling: 'esm-mean',
        batchSize: 8,
        device: 'cpu',
        dtype: 'fp32',
        normalize: false,
        maxResidues: 40000,
      },
    });
    expect(() => resolveEncoderConfig({ disease: { kind: 'word2vec' } as never })).toThrow();
    expect(() =>
      resolveEncoderConfig({
        variant: {
          kind: 'variant-text',
          options: {
            text: { kind: 'hf-onnx', options: { modelPath: '/m', modality: 'protein', pooling: 'cls' } },
          },
        },
      }),
    ).toThrow(/needs a text encoder/);
  });

  it('keeps DEFAULT_ENCODER_CONFIG free of fitted state', () => {
    expect(JSON.stringify(DEFAULT_ENCODER_CONFIG)).not.toContain('vocabulary');
  });
});

describe('createEncoders and loadEncoder', () => {
  const temporaryDirectory = useTemporaryDirectories('encoders-');

  it('builds the default set, fits the shared text encoder once, saves each encoder once', async () => {
    const config = resolveEncoderConfig({
      disease: { kind: 'text-tfidf', options: { dimension: 8, trigramBuckets: 64 } },
      pathway: { kind: 'text-tfidf', options: { dimension: 8, trigramBuckets: 64 } },
      variant: {
        kind: 'variant-text',
        options: { text: { kind: 'text-tfidf', options: { dimension: 8, trigramBuckets: 64 } } },
      },
      biological_process: null,
      molecular_function: null,
      cellular_component: null,
      'effect/phenotype': null,
    });
    const fitted: TextEncoderSpec[] = [];
    const set = await createEncoders(config, {
      textCorpus: (spec) => {
        fitted.push(spec);
        return TEXT_CORPUS;
      },
    });
    expect(fitted).toHaveLength(1);
    const disease = set.byType.get('disease')!;
    expect(set.byType.get('pathway')!.encoder).toBe(disease.encoder);
    expect((set.byType.get('variant')!.encoder as VariantTextEncoder).textEncoder).toBe(disease.encoder);
    expect(set.byType.get('gene/protein')!.encoder.dimension).toBe(1024);
    expect(set.byType.get('drug')!.encoder.dimension).toBe(1024);

    const encodersDirectory = await temporaryDirectory();
    await set.save(encodersDirectory);
    const saved = (await readdir(encodersDirectory)).sort();
    expect(saved).toEqual([...new Set([...set.byType.values()].map((entry) => entry.directoryName))].sort());
    expect(saved).toHaveLength(4);
    for (const entry of set.byType.values()) {
      const restored = await loadEncoder(join(encodersDirectory, entry.directoryName));
      expect(restored.describe().configHash).toBe(entry.encoder.describe().configHash);
    }
    const [before] = await disease.encoder.encode(['insulin resistance']);
    const [after] = await (
      await loadEncoder(join(encodersDirectory, disease.directoryName))
    ).encode(['insulin resistance']);
    expect(bytesOf(vectorOf(after)).equals(bytesOf(vectorOf(before)))).toBe(true);
    await set.dispose();
  });

  it('requires a corpus for text-tfidf', async () => {
    await expect(createEncoders(resolveEncoderConfig())).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('no textCorpus'),
    });
  });

  it('reports a missing directory, an unknown kind and a rebuilt hash mismatch, naming the file', async () => {
    const missing = join(await temporaryDirectory(), 'nothing-here');
    await expect(loadEncoder(missing)).rejects.toMatchObject({
      code: 'INVALID_INDEX',
      message: `no saved encoder at ${missing}: cannot read ${join(missing, 'encoder.json')}`,
    });

    const directory = await temporaryDirectory();
    const path = join(directory, 'encoder.json');
    const write = async (fields: { kind: string; version?: number }): Promise<void> => {
      const description = {
        version: 1,
        modality: 'protein' as const,
        dimension: 1024,
        options: {
          kmerBuckets: 596,
          maxResidues: 40000,
          blockWeights: { composition: 1, dipeptides: 1, trimers: 1, global: 0.5 },
        },
        artifacts: [],
        ...fields,
      };
      await writeFile(
        path,
        JSON.stringify({ ...description, configHash: computeConfigHash(description, []) }),
      );
    };

    await write({ kind: 'word2vec' });
    await expect(loadEncoder(directory)).rejects.toMatchObject({
      code: 'INVALID_INDEX',
      message: expect.stringMatching(
        new RegExp(`^${path}: unknown encoder kind "word2vec" \\(known: protein-kmer`),
      ),
    });

    // A consistent file from a future version: its hash is valid, but this build rebuilds another one.
    await write({ kind: 'protein-kmer', version: 2 });
    await expect(loadEncoder(directory)).rejects.toMatchObject({
      code: 'INVALID_INDEX',
      message: expect.stringContaining(
        `${path}: this build rebuilds the protein-kmer encoder (version 1, saved as version 2)`,
      ),
    });

    await write({ kind: 'protein-kmer' });
    await expect(loadEncoder(directory)).resolves.toMatchObject({ dimension: 1024 });
    const edited = JSON.parse(await readFile(path, 'utf8'));
    edited.options.kmerBuckets = 100;
    await writeFile(path, JSON.stringify(edited));
    await expect(loadEncoder(directory)).rejects.toMatchObject({
      code: 'INVALID_INDEX',
      message: expect.stringContaining(`configHash mismatch in ${path}`),
    });
  });
});
