import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import type { Interval, PairedComparison } from './bootstrap.js';
import type { MetricSummary } from './metrics.js';
import {
  HITS_CURVE_K,
  RETRIEVAL_METHODS,
  type RetrievalReport,
  type TaskResult,
} from './retrieval-benchmark.js';
import { lineChartSvg } from './svg-line-chart.js';

const columns: (keyof MetricSummary)[] = ['mrr', 'hits@1', 'hits@3', 'hits@10', 'recall@5', 'recall@20'];

/** Markdown table of a report: one row per task and method, full and filtered candidate sets. */
export function retrievalReportMarkdown(report: RetrievalReport): string {
  const lines: string[] = [
    `# Cross-modal retrieval benchmark`,
    '',
    `- date: ${report.createdAt}`,
    `- index: \`${report.index}\` (index data ${report.indexDataHash.slice(0, 12)}, training data ${report.dataHash.slice(0, 12)})`,
    `- split: ${report.split.name} (kind ${report.split.kind}, seed ${report.split.seed}); queries are held-out heads`,
    `- config: nearest-neighbour transfer k=${report.config.neighbours}, filtered set = tails with ≥ ${report.config.frequentThreshold} links, random seed ${report.config.seed}`,
    `- bridge: ${report.bridge ? `${report.bridge.id ?? '?'} ${describeModel(report.bridge.metadata)}` : 'not evaluated'}`,
    `- duration: ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
  ];
  for (const [title, key] of [
    ['All candidates of the tail type', 'full'],
    ["Filtered: tails with ≥ threshold occurrences (the paper's setting)", 'filtered'],
  ] as const) {
    lines.push(
      `## ${title}`,
      '',
      `| task | heads | candidates | method | ${columns.join(' | ')} |`,
      `|---|---:|---:|---|${columns.map(() => '---:').join('|')}|`,
    );
    for (const detail of report.details) {
      const metrics = detail[key];
      const best = Math.max(...Object.values(metrics).map((m) => m?.mrr ?? 0));
      for (const method of RETRIEVAL_METHODS) {
        const m = metrics[method];
        if (!m) continue;
        const heads = key === 'full' ? detail.heads : detail.filteredHeads;
        const candidates = key === 'full' ? detail.candidates : detail.filteredCandidates;
        const cells = columns.map((column) => {
          const text = m[column].toFixed(4);
          return column === 'mrr' && m.mrr === best ? `**${text}**` : text;
        });
        lines.push(`| ${detail.task.name} | ${heads} | ${candidates} | ${method} | ${cells.join(' | ')} |`);
      }
    }
    lines.push('');
  }
  lines.push(...statisticsMarkdown(report));
  return lines.join('\n');
}

const interval = (value: Interval) =>
  `${value.estimate.toFixed(3)} [${value.low.toFixed(3)}, ${value.high.toFixed(3)}]`;
const difference = (value: PairedComparison) =>
  `${value.estimate >= 0 ? '+' : ''}${value.estimate.toFixed(3)} [${value.low.toFixed(3)}, ${value.high.toFixed(3)}] p=${value.p < 0.001 ? '<0.001' : value.p.toFixed(3)}`;

/** 95 % bootstrap intervals, paired tests and the Hits@k plots, full candidate sets. */
function statisticsMarkdown(report: RetrievalReport): string[] {
  const lines = [
    '## 95 % bootstrap intervals (full candidate set, 1,000 resamples of the queries)',
    '',
    '| task | method | MRR [95 % CI] | Hits@10 [95 % CI] |',
    '|---|---|---|---|',
  ];
  for (const detail of report.details)
    for (const method of RETRIEVAL_METHODS) {
      const statistics = detail.statistics?.[method];
      if (statistics)
        lines.push(
          `| ${detail.task.name} | ${method} | ${interval(statistics.mrr)} | ${interval(statistics['hits@10'])} |`,
        );
    }
  lines.push(
    '',
    '## Paired bootstrap tests (full candidate set; difference = method − versus)',
    '',
    '| task | method | versus | ΔMRR [95 % CI] | ΔHits@10 [95 % CI] |',
    '|---|---|---|---|---|',
  );
  for (const detail of report.details)
    for (const test of detail.paired ?? [])
      lines.push(
        `| ${detail.task.name} | ${test.method} | ${test.versus} | ${difference(test.mrr)} | ${difference(test['hits@10'])} |`,
      );
  lines.push(
    '',
    '## Fusion weights (fitted on validation heads, never on the reported ones)',
    '',
    '| task | validation heads | source | bridge | transfer | prior | ligand | ligand model |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
  );
  for (const detail of report.details) {
    const weights = detail.validation?.weights;
    if (weights)
      lines.push(
        `| ${detail.task.name} | ${detail.validation.heads} | ${detail.validation.source} | ${weights.bridge} | ${weights.transfer} | ${weights.prior} | ${weights.ligand ?? 0} | ${weights.ligandModel ?? 0} |`,
      );
  }
  lines.push('', '## Hits@k curves', '');
  for (const detail of report.details)
    if (detail.statistics && Object.keys(detail.statistics).length > 0)
      lines.push(`![Hits@k, ${detail.task.name}](${plotFileName(report, detail)})`, '');
  return lines;
}

function reportBase(report: RetrievalReport): string {
  return `retrieval-${report.split.name}-${report.createdAt.replace(/[:.]/g, '-')}`;
}

function plotFileName(report: RetrievalReport, detail: TaskResult): string {
  return `${reportBase(report)}-${detail.task.name.replace(/[^a-z0-9]+/gi, '-')}.svg`;
}

/** The Hits@k curve of every method of one task, as SVG. */
export function hitsCurveSvg(report: RetrievalReport, detail: TaskResult): string {
  return lineChartSvg({
    title: `${detail.task.name} (${report.split.name}, ${detail.heads} queries, ${detail.candidates} candidates)`,
    x: HITS_CURVE_K,
    logX: true,
    xLabel: 'k',
    yLabel: 'Hits@k',
    series: RETRIEVAL_METHODS.flatMap((method) => {
      const statistics = detail.statistics?.[method];
      return statistics ? [{ name: method, values: statistics.hitsCurve }] : [];
    }),
  });
}

function describeModel(metadata: unknown): string {
  const model = (
    metadata as
      { model?: { hiddenDim?: number; layers?: number; heads?: number; ffnDim?: number } } | undefined
  )?.model;
  if (!model) return '';
  return `(hidden ${model.hiddenDim}, ${model.layers} layers, ${model.heads} heads, FFN ${model.ffnDim})`;
}

/** Writes `<dir>/retrieval-<split>-<timestamp>.{json,md}` and one Hits@k SVG per task; returns the two report paths. */
export async function writeRetrievalReport(
  report: RetrievalReport,
  directory: string,
): Promise<{ json: string; markdown: string }> {
  const base = join(directory, reportBase(report));
  await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(`${base}.md`, retrievalReportMarkdown(report));
  for (const detail of report.details)
    if (detail.statistics && Object.keys(detail.statistics).length > 0)
      await writeFileAtomic(join(directory, plotFileName(report, detail)), hitsCurveSvg(report, detail));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
