// Throughput of the chemistry layer and the GA. Run: npx vitest bench --run test/chem/chem.bench.ts
import { bench, describe } from 'vitest';
import { createFingerprintLibrary } from '../../src/chem/fingerprint.js';
import { createRdkitToolkit } from '../../src/chem/toolkit.js';
import { runGeneticAlgorithm } from '../../src/molecules/ga/genetic-algorithm.js';
import { createTanimotoScore } from '../../src/molecules/ga/scores.js';

const toolkit = await createRdkitToolkit();
const drugs = [
  'CC(=O)Oc1ccccc1C(=O)O',
  'Cn1c(=O)c2c(ncn2C)n(C)c1=O',
  'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1',
  'Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1',
  'CN(C)CCCN1c2ccccc2CCc2ccc(Cl)cc21',
];
let next = 0;
const drug = () => drugs[next++ % drugs.length]!;

const library = createFingerprintLibrary(
  Array.from({ length: 5000 }, (_, index) => {
    const fingerprint = toolkit.fingerprint(drugs[index % drugs.length]!);
    if (!fingerprint.ok) throw new Error(fingerprint.error.message);
    const copy = fingerprint.value.slice();
    copy[index % copy.length]! ^= 1 << (index % 8);
    return copy;
  }),
);
const query = toolkit.fingerprint(drugs[2]!);

describe('toolkit', () => {
  bench('canonicalize', () => void toolkit.canonicalize(drug()));
  bench('fingerprint', () => void toolkit.fingerprint(drug()));
  bench('qed', () => void toolkit.qed(drug()));
  bench('profile', () => void toolkit.profile(drug()));
  bench('maxTanimoto against 5000', () => {
    if (query.ok) library.nearest(query.value);
  });
});

describe('genetic algorithm', () => {
  const score = createTanimotoScore(toolkit, [drugs[3]!]);
  const seeds = [drugs[0]!, drugs[1]!, 'CC(=O)Nc1ccc(O)cc1'].map((smiles, index) => ({
    smiles,
    id: String(index),
  }));
  bench(
    'population 100, 5 generations',
    async () => {
      await runGeneticAlgorithm({ seeds, score, seed: 1, populationSize: 100, generations: 5 });
    },
    { iterations: 2 },
  );
});
