/**
 * Pairs an arm of one molecule benchmark report with an arm of another over the targets both
 * measured, e.g. an arm added later on the same targets and settings:
 *
 *   npx tsx scripts/eval/pair-molecule-reports.ts eval/reports/A.json guided eval/reports/B.json drug-like-seeds
 *
 * Prints the paired comparison (wins, mean difference of best Tanimoto to the hidden drugs with
 * its bootstrap 95 % CI, Wilcoxon and sign-test p, Δhit@0.4 with its CI) as JSON.
 */
import { readFile } from 'node:fs/promises';
import { compareAcrossReports, MOLECULE_ARMS, type MoleculeArm } from '../../src/eval/molecule-benchmark.js';

const [leftPath, leftArm, rightPath, rightArm] = process.argv.slice(2);
const isArm = (value: string | undefined): value is MoleculeArm =>
  (MOLECULE_ARMS as readonly string[]).includes(value ?? '');
if (!leftPath || !rightPath || !isArm(leftArm) || !isArm(rightArm)) {
  console.error(
    `usage: pair-molecule-reports.ts LEFT.json ARM RIGHT.json BASELINE (arms: ${MOLECULE_ARMS.join(', ')})`,
  );
  process.exit(2);
}
const [left, right] = await Promise.all(
  [leftPath, rightPath].map(async (path) => JSON.parse(await readFile(path, 'utf8'))),
);
console.log(JSON.stringify(compareAcrossReports(left, leftArm, right, rightArm), null, 2));
