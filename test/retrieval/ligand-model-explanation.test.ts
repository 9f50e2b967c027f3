import { describe, expect, it } from 'vitest';
import { retrieveResultSchema } from '../../src/http/routes/retrieve.js';
import { mergeTail } from '../../src/retrieval/stages/merge.js';
import { buildGraph } from './retrieval-world.js';

/**
 * The ligand-target model's output is a clipped kernel-ridge estimate (or an MLP sigmoid) in [0, 1],
 * not a calibrated probability: the explanation calls it a ligand-model score.
 */
describe('the ligand-model explanation', () => {
  it('states the ligand-model score, says it is no probability, and keeps `probability` as an alias', () => {
    const graph = buildGraph();
    const [result] = mergeTail(
      graph,
      'gene/protein',
      new Map([
        [
          16,
          [
            {
              relation: 'target',
              score: 0.9,
              fromBridge: true,
              known: false,
              voters: [{ nodeIndex: 20, similarity: 0.7 }],
              ligandModelScore: 0.83,
            },
          ],
        ],
      ]),
      new Map(),
      {
        request: { k: 5, includeKnown: true, includePredicted: true, maxKnown: 0 },
        head: { kind: 'smiles', type: 'drug', input: { value: 'CCO', field: 'smiles' } },
        method: 'fused',
        rows: new Map(),
        previewCharacters: 80,
      },
    );
    const explanation = result!.explanation;
    expect(explanation.kind).toBe('ligand-model');
    expect(explanation.text).toContain('ligand-model score 0.83');
    expect(explanation.text).toContain('not a calibrated probability');
    expect(explanation.text).not.toMatch(/\(probability/);
    expect(explanation).toMatchObject({ score: 0.83, probability: 0.83 });
  });

  it('is described in the OpenAPI schema as a score, with `probability` deprecated', () => {
    const shape = retrieveResultSchema.shape.explanation.shape;
    expect(shape.score.description).toContain('not a calibrated probability');
    expect(shape.probability.description).toMatch(/^Deprecated: the same value as `score`/);
    expect(retrieveResultSchema.shape.scores.shape.ligandModel.description).toContain('ligand-model score');
    expect(retrieveResultSchema.shape.scores.shape.ligandModel.description).not.toContain('probability');
  });
});
