import type { ChemToolkit } from '../chem/toolkit.js';

export interface DiversePickOptions<T> {
  count: number;
  /** Murcko scaffold (or any series key) of an item. */
  scaffold: (item: T) => string;
  /** Ranks items best first; without it `items` are taken as already ranked. */
  score?: (item: T) => number;
  /**
   * A second memory (e.g. the seed a molecule descends from): the first pass also takes at most
   * one item per series, so that every series that produced something is represented before any
   * series gets a second slot; later passes fall back to scaffolds alone, then to rank.
   */
  series?: ((item: T) => string) | undefined;
  /**
   * Slots filled first: the best `count` items for which `eligible` holds, at most one per
   * series (and per scaffold); the other slots are then picked as usual.
   */
  reserved?: { count: number; eligible: (item: T) => boolean; series: (item: T) => string } | undefined;
}

/**
 * The best `count` items such that no two share a scaffold, topped up with the best of the rest
 * only when there are fewer distinct scaffolds than `count`. The result keeps rank order.
 * Acyclic molecules share the empty scaffold, so at most one of them is picked before top-up.
 */
export function pickDiverse<T>(items: readonly T[], options: DiversePickOptions<T>): T[] {
  const count = Math.max(0, Math.floor(options.count));
  const ranked = items.map((item, index) => ({ item, index }));
  if (options.score) {
    const score = options.score;
    const scores = new Map(ranked.map((entry) => [entry.index, score(entry.item)]));
    ranked.sort((a, b) => scores.get(b.index)! - scores.get(a.index)! || a.index - b.index);
  }
  const chosen = new Set<number>();
  const usedScaffolds = new Set<string>();
  const usedSeries = new Set<string>();
  const series = options.series;
  const { reserved } = options;
  if (reserved) {
    const reservedSeries = new Set<string>();
    for (const entry of ranked) {
      if (chosen.size >= Math.min(count, reserved.count)) break;
      if (!reserved.eligible(entry.item)) continue;
      const key = reserved.series(entry.item);
      const scaffold = options.scaffold(entry.item);
      if (reservedSeries.has(key) || usedScaffolds.has(scaffold)) continue;
      reservedSeries.add(key);
      usedScaffolds.add(scaffold);
      if (series) usedSeries.add(series(entry.item));
      chosen.add(entry.index);
    }
  }
  const passes = series ? [true, false] : [false];
  for (const bySeries of passes)
    for (const entry of ranked) {
      if (chosen.size >= count) break;
      if (chosen.has(entry.index)) continue;
      const scaffold = options.scaffold(entry.item);
      if (usedScaffolds.has(scaffold)) continue;
      if (bySeries) {
        const key = series!(entry.item);
        if (usedSeries.has(key)) continue;
        usedSeries.add(key);
      }
      usedScaffolds.add(scaffold);
      chosen.add(entry.index);
    }
  for (const entry of ranked) {
    if (chosen.size >= count) break;
    chosen.add(entry.index);
  }
  return ranked.filter((entry) => chosen.has(entry.index)).map((entry) => entry.item);
}

/**
 * Memoised scaffold lookup by SMILES. A SMILES the toolkit rejects is its own key, so it never
 * collides with a real scaffold.
 */
export function createScaffoldKey(toolkit: Pick<ChemToolkit, 'scaffold'>): (smiles: string) => string {
  const cache = new Map<string, string>();
  return (smiles) => {
    let key = cache.get(smiles);
    if (key === undefined) {
      const scaffold = toolkit.scaffold(smiles);
      key = scaffold.ok ? scaffold.value : `invalid:${smiles}`;
      cache.set(smiles, key);
    }
    return key;
  };
}
