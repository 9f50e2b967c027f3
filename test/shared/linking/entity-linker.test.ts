import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookupEntries } from '../../../src/indexing/lookup-entries.js';
import { ingestKg } from '../../../src/kg/ingest.js';
import { createEntityLinker } from '../../../src/linking/entity-linker.js';
import type { EntityLinker } from '../../../src/linking/types.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const kgDirectory = resolve(repoRoot, '../shared/kg');

describe('entity linker on the shared KG', () => {
  let linker: EntityLinker;

  beforeAll(async () => {
    const { graph, payloads } = await ingestKg(kgDirectory, { onError: 'skip' });
    linker = createEntityLinker(lookupEntries(graph, payloads));
  });

  const links = (text: string) =>
    linker
      .link(text)
      .spans.map((span) => [span.surface, span.candidates[0]?.id, span.candidates[0]?.matchedBy]);

  it('does not link "syndrome" for syndromes the KG lacks, and says which phrase it left', () => {
    // DO 2015 has neither Kleefstra syndrome nor enhanced S-cone syndrome.
    for (const [text, phrase] of [
      ['What is KLEEFSTRA SYNDROME 1 associated with?', 'KLEEFSTRA SYNDROME 1'],
      ['Which genes are linked to enhanced S-cone syndrome?', 'enhanced S-cone syndrome'],
    ] as const) {
      const result = linker.link(text);
      expect(
        result.spans.map((span) => span.candidates[0]?.id),
        text,
      ).not.toContain('DOID:225');
      expect(
        result.unlinked.map((span) => span.surface),
        text,
      ).toEqual([phrase]);
    }
  });

  it("links Crohn's disease however it is written, disease first and marked ambiguous with the phenotype", () => {
    for (const text of [
      "metronidazole treats crohn's disease",
      'metronidazole treats Crohns disease',
      'metronidazole treats Crohn disease',
    ]) {
      const [drug, disease] = linker.link(text).spans;
      expect(drug?.candidates[0]?.id, text).toBe('DB00916');
      expect(
        disease?.candidates.slice(0, 2).map((candidate) => candidate.id),
        text,
      ).toEqual(['DOID:8778', 'HP:0100280']);
      expect(disease?.ambiguous, text).toBe(true);
    }
  });

  it('links ids: an rsID, a DOID, a UniProt accession, a DrugBank id', () => {
    expect(links('Is rs7903146 associated with DOID:9352?')).toEqual([
      ['rs7903146', 'rs7903146', 'exact'],
      ['DOID:9352', 'DOID:9352', 'id'],
    ]);
    expect(links('P04637 and DB00619')).toEqual([
      ['P04637', '7157', 'id'],
      ['DB00619', 'DB00619', 'id'],
    ]);
  });

  it('picks the options of a multiple-choice question and the diseases it names', () => {
    const text =
      "Out of the given list, which Gene is associated with psoriasis and Takayasu's arteritis. Given list is: SHTN1, HLA-B, SLC14A2, BTBD9, DTNB";
    expect(linker.link(text).spans.map((span) => [span.surface, span.candidates[0]?.type])).toEqual([
      ['psoriasis', 'disease'],
      ["Takayasu's arteritis", 'disease'],
      ['SHTN1', 'gene/protein'],
      ['HLA-B', 'gene/protein'],
      ['SLC14A2', 'gene/protein'],
      ['BTBD9', 'gene/protein'],
      ['DTNB', 'gene/protein'],
    ]);
  });

  it('links Greek-letter and roman-numeral spellings', () => {
    expect(links('TNF-α in type II diabetes mellitus')).toEqual([
      ['TNF-α', '7124', 'normalized'],
      ['type II diabetes mellitus', 'DOID:9352', 'normalized'],
    ]);
  });
  it('links names the KG carries only in its texts: brand names, defined abbreviations, older symbols', () => {
    const top = (text: string) =>
      linker.link(text).spans.map((span) => {
        const best = span.candidates[0];
        return [span.surface, best?.id, best?.matchedBy, best?.source];
      });
    // DrugBank descriptions: "Atorvastatin (Lipitor) …", "Acetaminophen, also known as paracetamol, …".
    expect(top('Is Lipitor used for hypercholesterolemia?')[0]).toEqual([
      'Lipitor',
      'DB01076',
      'synonym',
      'drug-description:also-known-as',
    ]);
    expect(top('paracetamol treats fever')[0]).toEqual([
      'paracetamol',
      'DB00316',
      'synonym',
      'drug-description:also-known-as',
    ]);
    expect(top('Tarceva treats lung cancer')[0]).toEqual([
      'Tarceva',
      'DB00530',
      'synonym',
      'drug-description:brand-name',
    ]);
    // GWAS Catalog 2015 mapped genes: PARK2 is PRKN's older symbol.
    expect(top('Is PARK2 associated with Parkinson disease?')[0]).toEqual([
      'PARK2',
      '5071',
      'synonym',
      'gwas-catalog:mapped-gene',
    ]);
    // "human immunodeficiency virus (HIV)" in a DO definition, in place inside the DO name; the
    // Reactome pathway "HIV Infection" is still a candidate, so the span is ambiguous.
    const hiv = linker.link('Which drugs treat HIV infection?').spans[0];
    expect(hiv?.candidates.slice(0, 2).map((candidate) => candidate.id)).toEqual(['DOID:526', 'PC7_4365']);
    expect(hiv?.ambiguous).toBe(true);
    expect(top('Which genes are linked to ALS?')[0]).toEqual([
      'ALS',
      'DOID:332',
      'synonym',
      'text:abbreviation',
    ]);
    // A KG name still links exactly, with no mined source.
    expect(top('Atorvastatin lowers cholesterol')[0]).toEqual([
      'Atorvastatin',
      'DB01076',
      'exact',
      undefined,
    ]);
  });
});
