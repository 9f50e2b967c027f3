import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { RETRIEVAL_METHODS, type RetrievalReport } from './retrieval-benchmark.js';
import type { MetricSummary } from './metrics.js';

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
    ['Filtered: tails with ≥ threshold occurrences (the paper\'s setting)', 'filtered'],
  ] as const) {
    lines.push(`## ${title}`, '', `| task | heads | candidates | method | ${columns.join(' | ')} |`, `|---|---:|---:|---|${columns.map(() => '---:').join('|')}|`);
    for (const detail of report.details) {
      const metrics = detail[key];
      const best = Math.max(...Object.values(metrics).map((m) => m?.mrr ?? 0));
      for (const method of RETRIEVAL_METHODS) {
        const m = metrics[method];
        if (!m) continue;
        const heads = key === 'full' ? detail.heads : detail.filteredHeads;
        const candidates = key === 'full' ? detail.candidates : detail.filteredCandidates;
        const cells = columns.map((column) => {
          const text = (m[column] as number).toFixed(4);
          return column === 'mrr' && m.mrr === best ? `**${text}**` : text;
        });
        lines.push(`| ${detail.task.name} | ${heads} | ${candidates} | ${method} | ${cells.join(' | ')} |`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

function describeModel(metadata: unknown): string {
  const model = (metadata as { model?: { hiddenDim?: number; layers?: number; heads?: number; ffnDim?: number } } | undefined)?.model;
  if (!model) return '';
  return `(hidden ${model.hiddenDim}, ${model.layers} layers, ${model.heads} heads, FFN ${model.ffnDim})`;
}

/** Writes `<dir>/retrieval-<split>-<timestamp>.{json,md}` and returns the two paths. */
export async function writeRetrievalReport(report: RetrievalReport, directory: string): Promise<{ json: string; markdown: string }> {
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const base = join(directory, `retrieval-${report.split.name}-${stamp}`);
  await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(`${base}.md`, retrievalReportMarkdown(report));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
