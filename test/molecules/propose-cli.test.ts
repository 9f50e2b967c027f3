import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatProposal,
  proposeAndPrint,
  proposeRequestFromOptions,
  type ProposeOptions,
} from '../../src/cli/commands/propose.js';
import { AppError } from '../../src/errors.js';
import { buildTinyIndex } from '../indexing/tiny-index.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { buildMoleculeWorld, type MoleculeWorld } from './molecule-world.js';
import { cli } from '../helpers/run-cli.js';

let world: MoleculeWorld;
beforeAll(async () => {
  world = await buildMoleculeWorld('fake');
});
afterAll(() => world?.toolkit.dispose());

const defaults: ProposeOptions = {
  n: 10,
  seed: 0,
  seeds: 8,
  generations: 8,
  population: 40,
  'time-budget': 60_000,
  llm: false,
  'no-llm': false,
  svg: false,
  json: false,
};

describe('biobridge propose: options', () => {
  it('maps flags onto the request', () => {
    expect(
      proposeRequestFromOptions({
        ...defaults,
        target: 'ABL1',
        n: 20,
        'exclude-drug': ['DB00619'],
        filters: '{"minQed": 0.4}',
        weights: '{"qed": 1}',
        'no-llm': true,
      }),
    ).toMatchObject({
      target: { gene: 'ABL1' },
      n: 20,
      seedCount: 8,
      excludeDrugs: ['DB00619'],
      filters: { minQed: 0.4, molecularWeight: { max: 500 } },
      weights: { qed: 1, bridge: 0.5 },
      useLlm: false,
    });
    expect(proposeRequestFromOptions({ ...defaults, 'target-id': '25' }).target).toEqual({
      entity: { type: 'gene/protein', id: '25' },
    });
    expect(proposeRequestFromOptions({ ...defaults, uniprot: 'P00519', llm: true })).toMatchObject({
      target: { uniprot: 'P00519' },
      useLlm: true,
    });
  });

  it('refuses contradictory or invalid flags as usage errors', () => {
    const usage = (options: Partial<ProposeOptions>) => {
      try {
        proposeRequestFromOptions({ ...defaults, ...options });
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('BAD_REQUEST');
        return (error as AppError).message;
      }
      throw new Error('expected a usage error');
    };
    expect(usage({})).toBe('give exactly one of --target, --uniprot, --target-id and --sequence');
    expect(usage({ target: 'ABL1', sequence: 'MKT' })).toBe(
      'give exactly one of --target, --uniprot, --target-id and --sequence',
    );
    expect(usage({ target: 'ABL1', llm: true, 'no-llm': true })).toBe(
      '--llm and --no-llm contradict each other',
    );
    expect(usage({ target: 'ABL1', filters: '{minQed' })).toBe('--filters must be a JSON object');
    expect(usage({ target: 'ABL1', weights: '{"bridge": "high"}' })).toContain('weights.bridge');
  });
});

describe('biobridge propose: output', () => {
  it('--json prints candidates with smiles, valid, scores and provenance, and the stats', async () => {
    let printed = '';
    const request = proposeRequestFromOptions({
      ...defaults,
      target: 'ABL1',
      n: 3,
      generations: 1,
      population: 8,
    });
    const code = await proposeAndPrint(
      {
        options: { json: true, svg: false },
        print: (text) => void (printed += text),
        signal: new AbortController().signal,
      },
      world.proposer(),
      request,
    );
    expect(code).toBe(0);
    const output = JSON.parse(printed);
    expect(Object.keys(output)).toEqual([
      'target',
      'seeds',
      'referenceBinders',
      'candidates',
      'stats',
      'settings',
    ]);
    expect(output.candidates).toHaveLength(3);
    for (const candidate of output.candidates) {
      expect(candidate).toMatchObject({
        smiles: expect.any(String),
        valid: true,
        scores: {
          combined: expect.any(Number),
          bridge: expect.any(Number),
          qed: expect.any(Number),
          novelty: expect.any(Number),
        },
        provenance: { source: 'genetic-algorithm' },
      });
      expect(candidate).not.toHaveProperty('svg');
    }
    expect(output.stats).toMatchObject({ returned: 3, generationsCompleted: 1 });
  });

  it('keeps SVG with --svg and prints a table otherwise', async () => {
    const response = await world
      .proposer()
      .propose({ target: { gene: 'ABL1' }, n: 2, generations: 1, population: 8 });
    const withSvg = JSON.parse(formatProposal(response, { json: true, svg: true }));
    expect(withSvg.candidates[0].svg).toContain('<svg');
    const table = formatProposal(response, { json: false, svg: false });
    expect(table).toContain('target: ABL1 (gene/protein 25); 3 known binder(s) in the KG');
    expect(table).toMatch(/rank\s+smiles\s+combined\s+bridge\s+QED\s+novelty\s+nearest known drug\s+origin/);
    expect(table).toContain(response.candidates[0]!.smiles);
    expect(table).toMatch(
      /generated \d+, valid \d+, unique \d+, passed filters \d+, returned 2; 1 generations; LLM not-configured/,
    );
  });
});

describe('biobridge propose / eval molecules: end to end on an index without a bridge', () => {
  let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
  let indexDirectory: string;
  beforeAll(async () => {
    root = await createTemporaryDirectory('biobridge-propose-');
    ({ indexDirectory } = await buildTinyIndex(root.path));
  });
  afterAll(async () => {
    await root?.cleanup();
  });

  it('exits 1 and says why when the index has no bridge, 2 on usage errors', async () => {
    const noBridge = await cli(['propose', '--index', indexDirectory, '--target', 'A1BG', '-q']);
    expect(noBridge.code).toBe(1);
    expect(noBridge.stderr).toContain('molecule proposals are unavailable: no trained bridge is loaded');
    const unknown = await cli(['propose', '--index', indexDirectory, '--target', 'NOPE1', '-q']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no entity named "NOPE1" of type gene/protein');
    const usage = await cli(['propose', '--index', indexDirectory]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give exactly one of --target, --uniprot, --target-id and --sequence');
    const evaluation = await cli(['eval', 'molecules', indexDirectory, '-q']);
    expect(evaluation.code).toBe(1);
    expect(evaluation.stderr).toContain('cannot read split "inductive"');
  });
});
