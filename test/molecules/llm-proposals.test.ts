import { describe, expect, it } from 'vitest';
import { parseMoleculeProposals } from '../../src/molecules/llm-proposals.js';

describe('parseMoleculeProposals', () => {
  it('reads the requested JSON array with rationale and seed numbers', () => {
    const parsed = parseMoleculeProposals(
      '[{"smiles": "CCO", "seed": 2, "rationale": "smaller"}, {"smiles": " c1ccncc1 ", "rationale": ""}]',
    );
    expect(parsed).toEqual({
      format: 'json',
      truncated: 0,
      proposals: [{ smiles: 'CCO', seed: 2, rationale: 'smaller' }, { smiles: 'c1ccncc1' }],
    });
  });

  it('finds JSON inside prose and Markdown fences, and lists inside an object', () => {
    const fenced = 'Here are my ideas:\n```json\n[{"smiles": "CCN"}, "CCC"]\n```\nHope this helps!';
    expect(parseMoleculeProposals(fenced).proposals).toEqual([{ smiles: 'CCN' }, { smiles: 'CCC' }]);
    const wrapped = 'Sure. {"molecules": [{"SMILES": "c1ccccc1O", "reason": "phenol"}]} Done.';
    expect(parseMoleculeProposals(wrapped)).toMatchObject({
      format: 'json',
      proposals: [{ smiles: 'c1ccccc1O', rationale: 'phenol' }],
    });
    const thinking = '<think>maybe [1, 2]</think>[{"smiles": "CO"}]';
    expect(parseMoleculeProposals(thinking).proposals).toEqual([{ smiles: 'CO' }]);
  });

  it('keeps items without a SMILES as problems instead of dropping them', () => {
    const parsed = parseMoleculeProposals('[{"name": "aspirin"}, 42, {"smiles": "CC"}]');
    expect(parsed.proposals).toEqual([
      { smiles: '{"name":"aspirin"}', problem: 'no-smiles' },
      { smiles: '42', problem: 'no-smiles' },
      { smiles: 'CC' },
    ]);
  });

  it('recovers every "smiles" value from truncated JSON', () => {
    const truncated = '[{"smiles": "CC(=O)N", "rationale": "amide"}, {"smiles": "C1CC\\"N", "rat';
    const parsed = parseMoleculeProposals(truncated);
    expect(parsed.format).toBe('json-fragments');
    expect(parsed.proposals).toEqual([{ smiles: 'CC(=O)N' }, { smiles: 'C1CC"N' }]);
  });

  it('reads one SMILES-looking token per line from lists and prose, skipping ordinary words', () => {
    const text = [
      'Here are 3 molecules for the target:',
      '1. Cc1ccc(NC(=O)c2ccccc2)cc1 - amide analogue of seed 1',
      '- SMILES: CCO',
      '* `c1ccc2[nH]ccc2c1`: indole hop.',
      'No further ideas. Bob says ICON is fine.',
    ].join('\n');
    const parsed = parseMoleculeProposals(text);
    expect(parsed.format).toBe('lines');
    expect(parsed.proposals).toEqual([
      { smiles: 'Cc1ccc(NC(=O)c2ccccc2)cc1', rationale: 'amide analogue of seed 1' },
      { smiles: 'CCO' },
      { smiles: 'c1ccc2[nH]ccc2c1', rationale: 'indole hop.' },
      // A capitalised word in the SMILES alphabet cannot be told from a SMILES; RDKit judges it later.
      { smiles: 'ICON', rationale: 'is fine.' },
    ]);
  });

  it('says when nothing looks like a molecule, and truncates to the limit', () => {
    expect(parseMoleculeProposals('I cannot help with that request.')).toEqual({
      proposals: [],
      format: 'none',
      truncated: 0,
    });
    const many = JSON.stringify(Array.from({ length: 7 }, (_, index) => ({ smiles: 'C'.repeat(index + 1) })));
    const parsed = parseMoleculeProposals(many, 5);
    expect(parsed.proposals).toHaveLength(5);
    expect(parsed.truncated).toBe(2);
  });
});
