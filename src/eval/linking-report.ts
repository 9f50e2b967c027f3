import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { LINKING_SYSTEMS, type Interval, type LinkingReport } from './linking-benchmark.js';
import { PERTURBATIONS } from './linking-cases.js';

const interval = (value: Interval) =>
  `${value.value.toFixed(3)} [${value.low.toFixed(3)}, ${value.high.toFixed(3)}]`;

/** Markdown: one row per perturbation and system, precision and recall with 95% CIs. */
export function linkingReportMarkdown(report: LinkingReport): string {
  const lines = [
    '# Entity-linking benchmark',
    '',
    `- date: ${report.createdAt}`,
    `- index: \`${report.index}\` (${report.entries} nodes)`,
    `- set: ${report.config.perPerturbation} cases per perturbation generated from KG names (\`synonym\`, \`abbreviation\`: from the synonyms mined at ingest; \`gene-name\`, \`gene-alias\`, \`lay-name\`: from the optional vocabularies, NCBI gene names and WordNet, names with one held-out change; ${report.synonymEntries} nodes have some), seed ${report.config.seed}; 95% CIs from ${report.config.bootstrap} bootstrap resamples of cases; \`all\` pools the KG-name arms; \`linker-without-synonyms\` is the linker without the mined table`,
    `- build: linker ${report.buildMs.linker} ms, findMentions lookup ${report.buildMs.findMentions} ms (wall clock)`,
    `- duration: ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    '| perturbation | system | cases | precision [95% CI] | recall [95% CI] | recall@5 | median µs | p95 µs |',
    '|---|---|---:|---|---|---:|---:|---:|',
  ];
  for (const group of ['all', ...PERTURBATIONS] as const)
    for (const system of LINKING_SYSTEMS) {
      const scores = report.results[group][system];
      lines.push(
        `| ${group} | ${system} | ${scores.cases} | ${interval(scores.precision)} | ${interval(scores.recall)} | ${scores['recall@5'].value.toFixed(3)} | ${scores.latencyMicros.median} | ${scores.latencyMicros.p95} |`,
      );
    }
  lines.push('', '## Linker failures (first five per perturbation)', '');
  for (const perturbation of PERTURBATIONS) {
    const examples = report.examples[perturbation];
    if (examples.length === 0) continue;
    lines.push(`### ${perturbation}`, '');
    for (const example of examples)
      lines.push(`- "${example.text}": expected ${example.expected}; got ${example.got}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Writes `<dir>/linking-<timestamp>.{json,md}` and returns the two paths. */
export async function writeLinkingReport(
  report: LinkingReport,
  directory: string,
): Promise<{ json: string; markdown: string }> {
  const base = join(directory, `linking-${report.createdAt.replace(/[:.]/g, '-')}`);
  await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(`${base}.md`, linkingReportMarkdown(report));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
