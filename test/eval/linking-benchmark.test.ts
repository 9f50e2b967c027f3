import { describe, expect, it } from 'vitest';
import { bootstrapInterval, runLinkingBenchmark } from '../../src/eval/linking-benchmark.js';
import { generateLinkingCases, PERTURBATIONS } from '../../src/eval/linking-cases.js';
import { linkingReportMarkdown } from '../../src/eval/linking-report.js';
import type { NameEntry } from '../../src/store/name-lookup.js';
import { linkingEntries } from '../linking/linking-fixtures.js';

/**
 * The fixture with mined synonyms on a few nodes, as an index built since synonym mining has them
 * (TP53's and phenylketonuria's from the optional vocabularies: NCBI gene names, WordNet).
 */
const MINED: Record<number, NameEntry['synonyms']> = {
  20: [{ text: 'Gleevec', source: 'drug-description:brand-name' }],
  37: [{ text: 'CML', source: 'text:abbreviation' }],
  1: [
    { text: 'tumor protein p53', source: 'gene-info:full-name' },
    { text: 'P53', source: 'gene-info:alias-symbol' },
  ],
  39: [{ text: 'phenylpyruvic oligophrenia', source: 'wordnet:synonym' }],
};
const withSynonyms: NameEntry[] = linkingEntries.map((entry) =>
  MINED[entry.nodeIndex] ? { ...entry, synonyms: MINED[entry.nodeIndex] } : entry,
);
const SYNONYM_ARMS = ['synonym', 'abbreviation', 'gene-name', 'gene-alias', 'lay-name'];

describe('generateLinkingCases', () => {
  const cases = generateLinkingCases(withSynonyms, { seed: 3, perPerturbation: 10 });

  it('places each mention at its offsets and labels it with every node of the same name', () => {
    for (const item of cases) {
      expect(item.text.slice(item.start, item.end)).toBe(item.mention);
      expect(item.gold).toContain(item.nodeIndex);
    }
    const crohn = cases.find((item) => item.nodeIndex === 30 && item.perturbation !== 'id');
    if (crohn) expect(crohn.gold.sort()).toEqual([30, 50]);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    expect(generateLinkingCases(withSynonyms, { seed: 3, perPerturbation: 10 })).toEqual(cases);
    expect(generateLinkingCases(withSynonyms, { seed: 4, perPerturbation: 10 })).not.toEqual(cases);
  });

  it('draws the synonym arms from mined synonyms only, and adds no case to the KG-name arms', () => {
    expect(cases.filter((item) => item.perturbation === 'synonym').map((item) => item.mention)).toEqual(
      Array(10).fill('Gleevec'),
    );
    expect(
      new Set(cases.filter((item) => item.perturbation === 'abbreviation').map((item) => item.gold.join())),
    ).toEqual(new Set(['37']));
    const before = generateLinkingCases(linkingEntries, { seed: 3, perPerturbation: 10 });
    expect(before.some((item) => item.perturbation === 'synonym')).toBe(false);
    expect(cases.filter((item) => !SYNONYM_ARMS.includes(item.perturbation))).toEqual(before);
    // Each vocabulary's names make their own arm, never the `synonym` arm.
    expect(
      new Set(cases.filter((item) => item.perturbation === 'gene-alias').map((item) => item.mention)),
    ).toEqual(new Set(['P53']));
    const geneNames = cases.filter((item) => item.perturbation === 'gene-name');
    expect(geneNames.every((item) => item.gold.join() === '1')).toBe(true);
    // Held-out changes: some mentions are not the stored text (case, spelling, typo).
    expect(geneNames.some((item) => item.mention !== 'tumor protein p53')).toBe(true);
    expect(
      new Set(cases.filter((item) => item.perturbation === 'lay-name').map((item) => item.gold.join())),
    ).toEqual(new Set(['39']));
  });

  it('perturbs as named, and never samples a generic one-word node', () => {
    expect(new Set(cases.map((item) => item.perturbation))).toEqual(new Set(PERTURBATIONS));
    for (const item of cases.filter((entry) => entry.perturbation === 'word-order'))
      expect(item.mention).toContain(', ');
    expect(cases.some((item) => item.nodeIndex === 31 || item.nodeIndex === 60)).toBe(false);
  });
});

describe('runLinkingBenchmark', () => {
  it('scores the linker and the findMentions baseline per perturbation, with CIs around the value', () => {
    const report = runLinkingBenchmark({
      entries: withSynonyms,
      index: 'fixture',
      perPerturbation: 20,
      bootstrap: 50,
    });
    for (const group of ['all', ...PERTURBATIONS] as const)
      for (const scores of Object.values(report.results[group])) {
        for (const metric of [scores.precision, scores.recall]) {
          expect(metric.low).toBeLessThanOrEqual(metric.value);
          expect(metric.high).toBeGreaterThanOrEqual(metric.value);
        }
      }
    expect(report.results['word-order'].findMentions.recall.value).toBe(0);
    expect(report.results['word-order'].linker.recall.value).toBeGreaterThan(0.8);
    expect(report.results.none.linker.recall.value).toBe(1);
    expect(linkingReportMarkdown(report)).toContain('| typo | linker | 20 |');
    // Before/after: only the linker with the mined table finds "Gleevec"; "CML" is also the
    // acronym generated from "chronic myeloid leukemia", so the linker without the table finds it too.
    expect(report.results.synonym.linker.recall.value).toBe(1);
    expect(report.results.synonym['linker-without-synonyms'].recall.value).toBe(0);
    expect(report.results.abbreviation['linker-without-synonyms'].recall.value).toBe(1);
    // Full gene names and lay names: held out from the linker without the table, found with it.
    expect(report.results['gene-name']['linker-without-synonyms'].recall.value).toBeLessThan(0.5);
    expect(report.results['gene-name'].linker.recall.value).toBeGreaterThan(0.8);
    expect(report.results['lay-name'].linker.recall.value).toBeGreaterThan(0.8);
    expect(report.results['gene-alias'].linker.recall.value).toBe(1);
    expect(report.results.all.linker.cases).toBe(7 * 20);
  });
});

describe('bootstrapInterval', () => {
  it('is a point for constant data and brackets the mean otherwise', () => {
    expect(
      bootstrapInterval([1, 1, 1], (sample) => sample.reduce((a, b) => a + b, 0) / sample.length, 100, 1),
    ).toEqual({
      value: 1,
      low: 1,
      high: 1,
    });
    const mixed: number[] = Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? 1 : 0));
    const interval = bootstrapInterval(
      mixed,
      (sample) => sample.reduce((a, b) => a + b, 0) / sample.length,
      500,
      1,
    );
    expect(interval.value).toBe(0.5);
    expect(interval.low).toBeGreaterThan(0.4);
    expect(interval.low).toBeLessThan(0.5);
    expect(interval.high).toBeGreaterThan(0.5);
    expect(interval.high).toBeLessThan(0.6);
  });
});
