import { describe, expect, it } from 'vitest';
import { nameVariants, varyName } from '../../../src/eval/qa/name-variants.js';
import { createRandom } from '../../../src/molecules/ga/random.js';

const textsOf = (name: string, kind: string) =>
  nameVariants(name)
    .filter((variant) => variant.kind === kind)
    .map((variant) => variant.text);

describe('nameVariants: names as outside sets write them', () => {
  it.each([
    ["Crohn's disease", 'possessive', ['Crohn disease', 'Crohns disease']],
    ['Takayasu arteritis', 'possessive', ["Takayasu's arteritis"]],
    ['type 2 diabetes mellitus', 'numeral', ['type II diabetes mellitus']],
    ['type 2 diabetes mellitus', 'mellitus', ['type 2 diabetes']],
    ['esophageal cancer', 'british', ['oesophageal cancer']],
    ['hematologic cancer', 'british', ['haematologic cancer']],
    ['breast carcinoma', 'of-the', ['carcinoma of the breast']],
    ['chronic obstructive pulmonary disease', 'acronym', ['chronic obstructive pulmonary disease (COPD)']],
  ])('%s → %s', (name, kind, expected) => {
    expect(textsOf(name, kind)).toEqual(expected);
  });

  it('rewrites only what keeps the entity: no organ, no "of the"; no acronym across "of"', () => {
    expect(textsOf('hepatoid adenocarcinoma', 'of-the')).toEqual([]);
    expect(textsOf('disease of cellular proliferation', 'acronym')).toEqual([]);
  });

  it('falls back to a change of case, seeded', () => {
    expect(varyName('asthma', createRandom(1))).toEqual({ kind: 'case', text: 'ASTHMA' });
    expect(varyName('type 2 diabetes mellitus', createRandom(5))).toEqual(
      varyName('type 2 diabetes mellitus', createRandom(5)),
    );
  });
});
