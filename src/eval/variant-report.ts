import { basename, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import type { Interval } from './rank-statistics.js';
import { VARIANT_METHODS, type VariantReport } from './variant-benchmark.js';

const METHOD_LABELS: Record<(typeof VARIANT_METHODS)[number], string> = {
  learned: 'learned variant encoder (variant-learned)',
  fused:
    'fused (learned + positional + gene proxy + popularity, weights fitted on validation variants; the service default with variant-fusion.json)',
  gene_proxy: 'gene proxy (diseases of mapped genes)',
  positional: 'positional neighbours',
  popularity: 'popularity',
  text: 'text encoder (variant-text)',
  random: 'random',
};

const format = (interval: Interval, digits = 3) =>
  `${interval.value.toFixed(digits)} [${interval.low.toFixed(digits)}, ${interval.high.toFixed(digits)}]`;

/** Markdown summary; `plot` is the scatter plot's file name beside the report. */
export function variantReportMarkdown(report: VariantReport, plot?: string): string {
  const learned = report.results.learned;
  const baselines = (['gene_proxy', 'positional', 'popularity', 'random'] as const).flatMap((method) => {
    const result = report.results[method];
    return result ? [{ method, hits: result['hits@10'].value }] : [];
  });
  const best = baselines.reduce(
    (a, b) => (b.hits > a.hits ? b : a),
    baselines[0] ?? { method: 'random', hits: 0 },
  );
  const lines = [
    '# Variant → disease benchmark (unseen variants)',
    '',
    `- date: ${report.createdAt}; index \`${report.index}\``,
    `- split: variant model's seeded split (seed ${report.model.splitSeed}): ${JSON.stringify(report.model.counts)} variants; held-out variants lose all their edges`,
    `- queries: ${learned?.queries ?? 0} test variants, ${learned?.links ?? 0} held-out variant–disease links, ranked (filtered) among ${report.candidates} diseases`,
    `- 95 % intervals: cluster bootstrap over variants (${report.config.resamples} draws); positional baseline uses ${report.config.neighbours} nearest training variants`,
    `- TypeScript featurisation + ONNX vs the trainer's embeddings: max |Δ| ${report.parityMaxAbsDiff.toExponential(2)}`,
    `- duration ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    '| method | MRR | Hits@10 | Recall@50 |',
    '|---|---|---|---|',
  ];
  for (const method of VARIANT_METHODS) {
    const result = report.results[method];
    if (!result) {
      const reason = report.skipped[method];
      if (reason) lines.push(`| ${METHOD_LABELS[method]} | skipped: ${reason} | | |`);
      continue;
    }
    lines.push(
      `| ${METHOD_LABELS[method]} | ${format(result.mrr)} | ${format(result['hits@10'])} | ${format(result['recall@50'])} |`,
    );
  }
  if (learned && best.hits > 0)
    lines.push(
      '',
      `Learned Hits@10 / best baseline (${best.method}) Hits@10 = **${(learned['hits@10'].value / best.hits).toFixed(2)}×**.`,
    );
  if (report.fusion)
    lines.push(
      '',
      `Fused weights (learned cosine weight 1; each other signal scaled to [0, 1] per query), fitted on ${report.fusion.validQueries} validation variants: positional ${report.fusion.weights.positional}, gene proxy ${report.fusion.weights.geneProxy}, popularity ${report.fusion.weights.popularity} (validation Hits@10 ${report.fusion.validHits10.toFixed(3)}, MRR ${report.fusion.validMrr.toFixed(3)}).`,
    );
  if (report.paired?.length)
    lines.push(
      '',
      '## Paired comparisons with the best baseline (test variants)',
      '',
      '| method vs baseline | Hits@10 ratio [95 % CI] | Hits@10 difference [95 % CI] | variants better / worse | Wilcoxon signed-rank p |',
      '|---|---|---|---|---|',
      ...report.paired.map(
        (pair) =>
          `| ${pair.method} vs ${pair.baseline} | ${format(pair.ratio, 2)} | ${format(pair.difference)} | ${pair.wins} / ${pair.losses} | ${pair.wilcoxon.pValue.toExponential(2)} (n = ${pair.wilcoxon.n}) |`,
      ),
    );
  const { correlation } = report;
  lines.push(
    '',
    '## Score vs association strength',
    '',
    '| scores | pairs | n | Spearman ρ(score, −log10 p) [95 % CI] |',
    '|---|---|---:|---|',
    `| learned | ${correlation.learnedHeldOut.pairs} | ${correlation.learnedHeldOut.n} | ${format(correlation.learnedHeldOut)} |`,
    `| learned | ${correlation.learnedAll.pairs} | ${correlation.learnedAll.n} | ${format(correlation.learnedAll)} |`,
  );
  if (correlation.textHeldOut)
    lines.push(
      `| text encoder | ${correlation.textHeldOut.pairs} | ${correlation.textHeldOut.n} | ${format(correlation.textHeldOut)} |`,
    );
  if (plot) lines.push('', `![learned score vs −log10 p, held-out associations](${plot})`);
  return lines.join('\n') + '\n';
}

/** Hand-written SVG scatter plot: −log10 p (log axis) against the learned score. */
export function scatterSvg(points: readonly [number, number][], title: string): string {
  const width = 520;
  const height = 360;
  const margin = { left: 56, right: 16, top: 32, bottom: 44 };
  const xs = points.map(([mlog]) => Math.log10(Math.max(mlog, 1)));
  const ys = points.map(([, score]) => score);
  const [xMin, xMax] = [Math.min(...xs, 0.6), Math.max(...xs, 1)];
  const [yMin, yMax] = [Math.min(...ys, 0), Math.max(...ys, 0.5)];
  const px = (x: number) =>
    margin.left + ((x - xMin) / (xMax - xMin || 1)) * (width - margin.left - margin.right);
  const py = (y: number) =>
    height - margin.bottom - ((y - yMin) / (yMax - yMin || 1)) * (height - margin.top - margin.bottom);
  const xTicks = [5, 10, 20, 50, 100, 200, 500].filter(
    (tick) => Math.log10(tick) >= xMin && Math.log10(tick) <= xMax,
  );
  const yTicks = Array.from({ length: 6 }, (_, i) => yMin + ((yMax - yMin) * i) / 5);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="black"/>`,
    ...xTicks.map(
      (tick) =>
        `<text x="${px(Math.log10(tick)).toFixed(1)}" y="${height - margin.bottom + 14}" text-anchor="middle">${tick}</text>`,
    ),
    ...yTicks.map(
      (tick) =>
        `<text x="${margin.left - 6}" y="${(py(tick) + 4).toFixed(1)}" text-anchor="end">${tick.toFixed(2)}</text>`,
    ),
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">−log10 p (log scale)</text>`,
    `<text x="14" y="${height / 2}" text-anchor="middle" transform="rotate(-90 14 ${height / 2})">learned score (cosine)</text>`,
    ...points.map(
      ([mlog, score]) =>
        `<circle cx="${px(Math.log10(Math.max(mlog, 1))).toFixed(1)}" cy="${py(score).toFixed(1)}" r="2" fill="#1f77b4" fill-opacity="0.45"/>`,
    ),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes `<dir>/variants-<timestamp>.{json,md,svg}` and returns the paths. */
export async function writeVariantReport(
  report: VariantReport,
  directory: string,
): Promise<{ json: string; markdown: string; svg: string }> {
  const base = join(directory, `variants-${report.createdAt.replace(/[:.]/g, '-')}`);
  const rho = report.correlation.learnedHeldOut;
  await writeFileAtomic(
    `${base}.svg`,
    scatterSvg(report.scatter, `Held-out associations (n=${rho.n}), Spearman ρ=${rho.value.toFixed(2)}`),
  );
  await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(`${base}.md`, variantReportMarkdown(report, basename(`${base}.svg`)));
  return { json: `${base}.json`, markdown: `${base}.md`, svg: `${base}.svg` };
}
