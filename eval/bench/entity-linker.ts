/**
 * Entity-linker benchmark: build time (wall and CPU) and link latency for ~300-character
 * questions that name three KG entities among ordinary words.
 *
 *   npx tsx eval/bench/entity-linker.ts [--index indexes/demo] [--questions 1000]
 */
import { readLookupEntries } from '../../src/indexing/lookup-entries.js';
import { createEntityLinker } from '../../src/linking/entity-linker.js';
import { createRandom } from '../../src/molecules/ga/random.js';
import { benchArgs } from './bench-args.js';

const values = benchArgs({ index: 'indexes/demo', questions: 1000 });
const entries = await readLookupEntries(values.index);
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const linker = createEntityLinker(entries);
const buildWallMs = performance.now() - wallBefore;
const cpu = process.cpuUsage(cpuBefore);

const random = createRandom(7);
const filler =
  'Which of the following is associated with the condition, and what do recent studies of patients say about the treatment response and its mechanism in';
const questions = Array.from({ length: values.questions }, () => {
  const names = [0, 1, 2].map(() => random.pick(entries).name);
  return `${filler} ${names[0]}? Given list is: ${names[1]}, ${names[2]}, and a few other options to choose from.`.slice(
    0,
    300,
  );
});
for (const question of questions.slice(0, 100)) linker.link(question);
const times = questions.map((question) => {
  const started = process.cpuUsage();
  linker.link(question);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
});
times.sort((left, right) => left - right);
const at = (q: number) => Math.round(times[Math.floor(q * (times.length - 1))]! * 1000) / 1000;
console.log(
  JSON.stringify(
    {
      index: values.index,
      entries: entries.length,
      surfaces: linker.size.surfaces,
      buildWallMs: Math.round(buildWallMs),
      buildCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      linkCpuMs: { median: at(0.5), p95: at(0.95), max: at(1) },
      questionCharacters: Math.round(
        questions.reduce((sum, question) => sum + question.length, 0) / questions.length,
      ),
    },
    null,
    2,
  ),
);
