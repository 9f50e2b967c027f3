import { beforeAll, describe, expect, it } from 'vitest';
import { tanimoto } from '../../src/chem/fingerprint.js';
import { countFragments, syntheticAccessibility } from '../../src/chem/sa-score.js';
import type { ProposalResponse } from '../../src/molecules/proposal-schema.js';
import { proposalResponseSchema } from '../../src/molecules/proposal-schema.js';
import { combinedScore } from '../../src/molecules/scoring-weights.js';
import { useMoleculeWorld, validOf, createScriptedLlm, DRUGS } from './molecule-world.js';
import { rejection } from '../helpers/expect-app-error.js';

const fixture = useMoleculeWorld('fake');

const constraints = {
  keepSubstructure: 'c1ccncc1',
  avoidSubstructures: ['[F,Cl,Br,I]', '[CX3](=O)[OX2H1]'],
  maxSimilarityToKnownDrugs: 0.9,
  antiTargets: [{ gene: 'PTGS2' }],
};
const filters = {
  molecularWeight: { min: 150, max: 480 },
  cLogP: { max: 4.5 },
  tpsa: { max: 130 },
  hbd: { max: 3 },
  hba: { max: 9 },
  rotatableBonds: { max: 9 },
  heavyAtoms: { min: 8, max: 40 },
  formalCharge: { min: 0, max: 0 },
  minQed: 0.2,
};

describe('design constraints', () => {
  let response: ProposalResponse;
  beforeAll(async () => {
    response = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      n: 8,
      generations: 4,
      population: 16,
      seed: 2,
      constraints,
      filters,
      // Cores of the seeds these strict filters refuse are checked like every other candidate.
      drugLikeCores: 2,
    });
  }, 120_000);

  it('returns only valid candidates that match the schema and meet every hard constraint', () => {
    expect(proposalResponseSchema.safeParse(JSON.parse(JSON.stringify(response))).success).toBe(true);
    const valid = validOf(response);
    expect(valid.length).toBeGreaterThan(0);
    for (const candidate of valid) {
      expect(fixture.world.toolkit.canonicalize(candidate.smiles)).toEqual({
        ok: true,
        value: candidate.smiles,
      });
      const hard = candidate.constraints.filter(
        (check) => !check.constraint.startsWith('constraints.antiTargets'),
      );
      expect(hard.every((check) => check.met)).toBe(true);
    }
  });

  it('every claim is what RDKit says: substructures, property ranges and novelty', () => {
    const known = DRUGS.flatMap(([, , , smiles]) => {
      if (smiles === null) return [];
      const fingerprint = fixture.world.toolkit.fingerprint(smiles);
      return fingerprint.ok ? [fingerprint.value] : [];
    });
    for (const candidate of validOf(response)) {
      const claims = new Map(candidate.constraints.map((check) => [check.constraint, check]));
      const matches = (smarts: string) => {
        const found = fixture.world.toolkit.matchSubstructure(candidate.smiles, smarts);
        if (!found.ok) throw new Error(found.error.message);
        return found.value.length;
      };
      expect(claims.get('constraints.keepSubstructure')!.met).toBe(matches(constraints.keepSubstructure) > 0);
      constraints.avoidSubstructures.forEach((smarts, index) =>
        expect(claims.get(`constraints.avoidSubstructures[${index}]`)!.met).toBe(matches(smarts) === 0),
      );
      const descriptors = fixture.world.toolkit.descriptors(candidate.smiles);
      if (!descriptors.ok) throw new Error(descriptors.error.message);
      const d = descriptors.value;
      const measured: Record<string, number> = {
        'filters.molecularWeight': d.molecularWeight,
        'filters.cLogP': d.cLogP,
        'filters.tpsa': d.tpsa,
        'filters.hbd': d.lipinskiHbd,
        'filters.hba': d.lipinskiHba,
        'filters.rotatableBonds': d.rotatableBonds,
        'filters.heavyAtoms': d.heavyAtoms,
        'filters.formalCharge': d.formalCharge,
      };
      // No claim goes unchecked: these are all the constraints the request switched on.
      expect([...claims.keys()].sort()).toEqual(
        [
          ...Object.keys(measured),
          'filters.qed',
          'filters.alerts',
          'constraints.keepSubstructure',
          'constraints.avoidSubstructures[0]',
          'constraints.avoidSubstructures[1]',
          'constraints.maxSimilarityToKnownDrugs',
          'constraints.antiTargets[0]',
        ].sort(),
      );
      const qed = fixture.world.toolkit.qed(candidate.smiles);
      if (!qed.ok) throw new Error(qed.error.message);
      expect(claims.get('filters.qed')!.value).toBeCloseTo(qed.value.qed, 9);
      expect(claims.get('filters.qed')!.met).toBe(qed.value.qed >= filters.minQed);
      // Every alert family is enabled by default and none is allowed.
      const alerts = fixture.world.toolkit.alerts(candidate.smiles);
      if (!alerts.ok) throw new Error(alerts.error.message);
      expect(claims.get('filters.alerts')!.value).toBe(alerts.value.length);
      expect(claims.get('filters.alerts')!.met).toBe(alerts.value.length === 0);
      for (const [name, value] of Object.entries(measured)) {
        const claim = claims.get(name)!;
        const range = filters[name.slice('filters.'.length) as Exclude<keyof typeof filters, 'minQed'>] as {
          min?: number;
          max?: number;
        };
        expect(claim.value).toBeCloseTo(value, 6);
        expect(claim.met).toBe(
          (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max),
        );
      }
      const fingerprint = fixture.world.toolkit.fingerprint(candidate.smiles);
      if (!fingerprint.ok) throw new Error(fingerprint.error.message);
      const nearest = Math.max(...known.map((other) => tanimoto(fingerprint.value, other)));
      const novelty = claims.get('constraints.maxSimilarityToKnownDrugs')!;
      expect(novelty.value).toBeCloseTo(nearest, 9);
      expect(novelty.met).toBe(nearest <= constraints.maxSimilarityToKnownDrugs);
    }
  });

  it('reports each anti-target as met only when the target is predicted to be preferred', () => {
    for (const candidate of validOf(response)) {
      const anti = candidate.constraints.find((check) => check.constraint === 'constraints.antiTargets[0]')!;
      expect(anti.value).toBeCloseTo(candidate.scores.antiTarget, 12);
      expect(anti.met).toBe(anti.value! < candidate.scores.bridge);
      expect(anti.detail).toContain('PTGS2');
    }
    expect(response.settings.constraints).toEqual({ ...constraints, antiTargets: [{ gene: 'PTGS2' }] });
  });

  it('rejects a bad SMARTS naming the field and giving RDKit’s reason, before any work', async () => {
    const error = await rejection(
      fixture.proposer.propose(
        { target: { gene: 'ABL1' }, constraints: { avoidSubstructures: ['c1ccccc1', 'C(('] } },
        { fieldPrefix: 'body.' },
      ),
    );
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toMatch(/^body\.constraints\.avoidSubstructures\[1\]: invalid SMARTS "C\(\(": /);
    expect(error.details).toMatchObject({
      field: 'body.constraints.avoidSubstructures[1]',
      reason: 'INVALID_SMARTS',
    });
  });

  it('names the anti-target field for an unknown protein and the range for a bad bound', async () => {
    const unknown = await rejection(
      fixture.proposer.propose({
        target: { gene: 'ABL1' },
        generations: 0,
        constraints: { antiTargets: [{ gene: 'NOPE1' }] },
      }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.details).toMatchObject({ field: 'constraints.antiTargets[0].gene' });
    const badRange = await rejection(
      fixture.proposer.propose({
        target: { gene: 'ABL1' },
        filters: { molecularWeight: { min: 500, max: 200 } },
      }),
    );
    expect(badRange.code).toBe('BAD_REQUEST');
    expect(badRange.message).toMatch(/filters\.molecularWeight/);
    const badSimilarity = await rejection(
      fixture.proposer.propose({ target: { gene: 'ABL1' }, constraints: { maxSimilarityToKnownDrugs: 1.5 } }),
    );
    expect(badSimilarity.message).toMatch(/constraints\.maxSimilarityToKnownDrugs/);
  });
});

describe('objective', () => {
  it('carries the target through reference binders and reports every term', async () => {
    const response = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      n: 5,
      generations: 2,
      population: 8,
      anchorDecay: 0.5,
    });
    for (const binder of response.referenceBinders) expect(binder.via.name).not.toBe('ABL1');
    for (const candidate of validOf(response)) {
      const s = candidate.scores;
      // Seeds are anchors weighted 0.5..1 by consensus: binderSimilarity is at least half the
      // Tanimoto to the nearest seed (test/molecules/anchor-weights.test.ts checks it exactly).
      expect(s.binderSimilarity).toBeGreaterThanOrEqual(0.5 * s.maxSimilarityToSeeds - 1e-12);
      expect(s.saScore).toBeGreaterThanOrEqual(1);
      expect(s.saScore).toBeLessThanOrEqual(10);
      expect(s.synthesizability).toBeCloseTo((10 - s.saScore) / 9, 12);
      expect(s.antiTarget).toBe(0);
    }
  });
});

describe('LLM proposals', () => {
  it('go through the same constraints and objective, with their provenance', async () => {
    const llm = createScriptedLlm(
      JSON.stringify([
        { smiles: 'CC(=O)Nc1ccc(-c2ccncc2)cc1', rationale: 'amide on the biaryl' },
        { smiles: 'Clc1ccc(-c2ccncc2)cc1', rationale: 'chloro analogue' },
      ]),
    );
    const response = await fixture.world.proposer({ llm }).propose({
      target: { gene: 'ABL1' },
      n: 20,
      generations: 0,
      constraints: { avoidSubstructures: ['[Cl]'] },
    });
    expect(llm.calls).toHaveLength(1);
    const fromLlm = validOf(response).filter((candidate) => candidate.provenance.source === 'llm');
    expect(fromLlm.map((candidate) => candidate.smiles)).toEqual(['CC(=O)Nc1ccc(-c2ccncc2)cc1']);
    const [candidate] = fromLlm;
    expect(candidate!.provenance).toMatchObject({ operation: 'llm', rationale: 'amide on the biaryl' });
    expect(
      candidate!.constraints.find((check) => check.constraint === 'constraints.avoidSubstructures[0]'),
    ).toMatchObject({
      met: true,
      value: 0,
    });
    expect(candidate!.scores.combined).toBeCloseTo(
      combinedScore(candidate!.scores, response.settings.weights),
      12,
    );
    expect(response.stats.llm).toMatchObject({ status: 'used', proposed: 2, valid: 2 });
    expect(response.stats.filterFailures['constraints.avoidSubstructures[0]']).toBe(1);
  }, 120_000);
});

describe('synthetic accessibility', () => {
  it('scores common, simple molecules easier than rare, stereo-rich, bridged ones', () => {
    const corpus = countFragments(
      DRUGS.flatMap(([, , , smiles]) => {
        if (smiles === null) return [];
        const fingerprint = fixture.world.toolkit.fingerprint(smiles);
        return fingerprint.ok ? [fingerprint.value] : [];
      }),
    );
    const sa = (smiles: string) => {
      const fingerprint = fixture.world.toolkit.fingerprint(smiles);
      const descriptors = fixture.world.toolkit.descriptors(smiles);
      if (!fingerprint.ok || !descriptors.ok) throw new Error(smiles);
      return syntheticAccessibility(
        { fingerprint: fingerprint.value, descriptors: descriptors.value },
        corpus,
      );
    };
    const ibuprofen = sa('CC(C)Cc1ccc(C(C)C(=O)O)cc1');
    // Morphine: five stereocentres, a bridged ring system, environments no corpus drug has.
    const morphine = sa('CN1CC[C@]23c4c5ccc(O)c4O[C@H]2[C@@H](O)C=C[C@H]3[C@H]1C5');
    expect(ibuprofen).toBeGreaterThanOrEqual(1);
    expect(morphine).toBeLessThanOrEqual(10);
    expect(morphine).toBeGreaterThan(ibuprofen + 1);
    expect(sa('CC(C)Cc1ccc(C(C)C(=O)O)cc1')).toBe(ibuprofen);
  });
});
