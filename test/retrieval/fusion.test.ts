import { describe, expect, it } from 'vitest';
import {
  evaluateWeights,
  fitFusion,
  fuse,
  fusionGrid,
  priorFromDegrees,
  type FitQuery,
} from '../../src/retrieval/fusion.js';
import { topIndices, voteTails } from '../../src/retrieval/transfer-votes.js';
import { voteLigands } from '../../src/retrieval/ligand-index.js';

describe('fuse', () => {
  it('scales transfer by its per-query maximum and adds the weighted prior and bridge', () => {
    const out = fuse(
      {
        bridge: Float32Array.from([0.5, -1, 0]),
        transfer: Float32Array.from([2, 0, 4]),
        prior: Float32Array.from([1, 0.5, 0]),
      },
      { bridge: 0.1, transfer: 1, prior: 0.01 },
      new Float32Array(3),
    );
    expect(Array.from(out).map((value) => Number(value.toFixed(4)))).toEqual([0.56, -0.095, 1]);
  });

  it('ignores the bridge weight when no bridge scored the task', () => {
    const out = fuse(
      { bridge: undefined, transfer: new Float32Array(2), prior: Float32Array.from([0.2, 0.4]) },
      { bridge: 5, transfer: 1, prior: 1 },
      new Float32Array(2),
    );
    expect(Array.from(out)).toEqual([Math.fround(0.2), Math.fround(0.4)]);
  });
});

describe('priorFromDegrees', () => {
  it('maps log(1 + degree) onto [0, 1]', () => {
    expect(Array.from(priorFromDegrees([0, 3, 7]))).toEqual([0, Math.fround(Math.log(4) / Math.log(8)), 1]);
  });
});

describe('fitFusion', () => {
  // Three candidates; transfer alone ties the true one with a decoy, the prior breaks the tie.
  const query = (positive: number, transfer: number[], prior: number[], bridge?: number[]): FitQuery => ({
    features: {
      transfer: Float32Array.from(transfer),
      prior: Float32Array.from(prior),
      bridge: bridge ? Float32Array.from(bridge) : undefined,
    },
    positives: [positive],
  });
  const queries = [
    query(0, [1, 1, 0], [0.9, 0.1, 0.5]),
    query(1, [0, 1, 1], [0.2, 0.8, 0.1]),
    query(2, [0, 0, 0], [0.1, 0.2, 0.9]),
  ];

  it('is never worse on its fitting queries than transfer alone or the prior alone', () => {
    const fitted = fitFusion(queries);
    const transfer = evaluateWeights(queries, { bridge: 0, transfer: 1, prior: 0 });
    const prior = evaluateWeights(queries, { bridge: 0, transfer: 0, prior: 1 });
    expect(transfer.mrr).toBeCloseTo((1 / 1.5 + 1 / 1.5 + 1 / 2) / 3, 6);
    expect(fitted.summary.mrr).toBe(1);
    expect(fitted.summary.mrr).toBeGreaterThanOrEqual(Math.max(transfer.mrr, prior.mrr));
    expect(fitted.weights.transfer).toBe(1);
    expect(fitted.weights.prior).toBeGreaterThan(0);
  });

  it('puts weight on the bridge only when it helps', () => {
    const misleading = queries.map((each, index) => ({
      ...each,
      features: { ...each.features, bridge: Float32Array.from(index === 0 ? [0, 0, 1] : [1, 0, 0]) },
    }));
    expect(fitFusion(misleading).weights.bridge).toBe(0);
    const helpful = [query(2, [1, 1, 0], [0.9, 0.1, 0.5], [0, 0, 1])];
    expect(fitFusion(helpful).weights.bridge).toBeGreaterThan(0);
  });

  it('has the pure baselines on its grid', () => {
    const grid = fusionGrid(true);
    expect(grid).toContainEqual({ bridge: 0, transfer: 1, prior: 0 });
    expect(grid).toContainEqual({ bridge: 0, transfer: 0, prior: 1 });
    expect(grid).toContainEqual({ bridge: 1, transfer: 0, prior: 0 });
    expect(fusionGrid(false).every((weights) => weights.bridge === 0)).toBe(true);
  });
});

describe('voteTails', () => {
  it('lets the k most similar positive neighbours vote with their similarity', () => {
    const links = [[0, 1], [1], [2], [0]];
    const out = new Float32Array(3);
    const votes = voteTails(
      Float32Array.from([0.5, 0.9, -0.2, 0.1]),
      (neighbour) => links[neighbour]!,
      3,
      out,
    );
    expect(votes.map((vote) => vote.neighbour)).toEqual([1, 0, 3]);
    expect(Array.from(out).map((value) => Number(value.toFixed(4)))).toEqual([0.6, 1.4, 0]);
  });

  it('topIndices orders the k largest values, largest first', () => {
    expect(topIndices([3, 9, 1, 7, 5], 3)).toEqual([1, 3, 4]);
    expect(topIndices([2, 1], 5)).toEqual([0, 1]);
  });
});

describe('ligand component', () => {
  it('fuse adds the ligand votes scaled by their per-query maximum', () => {
    const out = fuse(
      {
        bridge: undefined,
        transfer: Float32Array.from([1, 0, 0]),
        prior: new Float32Array(3),
        ligand: Float32Array.from([0, 2, 4]),
      },
      { bridge: 0, transfer: 0.3, prior: 0, ligand: 1 },
      new Float32Array(3),
    );
    expect(Array.from(out).map((value) => Number(value.toFixed(4)))).toEqual([0.3, 0.5, 1]);
  });

  it('the grid holds ligand alone only when the task has ligand votes', () => {
    expect(fusionGrid(false, true)).toContainEqual({ bridge: 0, transfer: 0, prior: 0, ligand: 1 });
    expect(fusionGrid(false, true)).toContainEqual({ bridge: 0, transfer: 1, prior: 0, ligand: 0 });
    expect(fusionGrid(false).some((weights) => (weights.ligand ?? 0) > 0)).toBe(false);
  });

  it('voteLigands weights votes by similarity^power and skips members without links', () => {
    const links: (number[] | undefined)[] = [[0], undefined, [0, 1], [2]];
    const totals = new Map<number, number>();
    const voters = voteLigands(
      Float32Array.from([0.5, 0.9, 0.8, 0.1]),
      (member) => links[member],
      (tail, weight) => totals.set(tail, (totals.get(tail) ?? 0) + weight),
      { neighbours: 2, power: 2 },
    );
    expect(voters.map((voter) => voter.member)).toEqual([2, 0]);
    expect(totals.get(0)).toBeCloseTo(0.8 ** 2 + 0.5 ** 2, 6);
    expect(totals.get(1)).toBeCloseTo(0.8 ** 2, 6);
    expect(totals.has(2)).toBe(false);
  });
});
