import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import {
  ARM_DEFINITIONS,
  MOLECULE_ARMS,
  type ArmSummary,
  type MoleculeReport,
} from './molecule-benchmark.js';

const armColumns: [keyof ArmSummary, string][] = [
  ['validity', 'validity'],
  ['uniqueness', 'uniqueness'],
  ['novelty', 'novelty'],
  ['novelShare', 'novel share'],
  ['meanQed', 'QED'],
  ['meanSa', 'SA'],
  ['alertRate', 'alert rate'],
  ['scaffoldDiversity', 'scaffold div.'],
  ['bestTanimotoToTrue', 'best Tc to true'],
  ['meanTanimotoToTrue', 'mean Tc to true'],
  ['hit@0.4', 'hit@0.4'],
  ['hit@0.6', 'hit@0.6'],
  ['timeMs', 'time/target (s)'],
];

/** Markdown report: summary per arm, paired comparisons with the verdict, and one row per target. */
export function moleculeReportMarkdown(report: MoleculeReport, plotFile?: string): string {
  const c = report.config;
  const lines: string[] = [
    '# Target-guided molecule design benchmark',
    '',
    `- date: ${report.createdAt}`,
    `- index: \`${report.index}\`; bridge: ${report.bridge ? `${report.bridge.id ?? '?'} (hidden ${report.bridge.hiddenDim})` : 'none'}`,
    `- split: ${report.split.name} (kind ${report.split.kind}, seed ${report.split.seed}); targets: ${c.targets} of ${c.candidateTargets} held-out proteins with ${c.selection ? `≥ ${c.selection.minTrueDrugs}` : 'a'} known drug(s) with a SMILES${c.selection ? ` (${c.selection.role} set; the first ${c.selection.validationTargets} of the seeded shuffle are the validation set)` : ''}; ablation and novelty-capped arms on ${c.ablationTargets ?? c.targets} targets${c.requestedTargets !== undefined && c.requestedTargets > c.targets ? `; stopped at the time limit after ${c.targets} of ${c.requestedTargets} targets` : ''}`,
    `- per target: every known binder hidden; ${c.seedCount} seeds retrieved by the bridge; GA population ${c.population}, ${c.generations} generations, seed ${c.seed}; top ${c.n} measured; time budget ${c.timeBudgetMs} ms; guided weights ${JSON.stringify(c.weights)}`,
    ...c.arms.map((arm) => `- \`${arm}\`: ${ARM_DEFINITIONS[arm].description}`),
    `- duration: ${(report.durationMs / 1000).toFixed(1)} s${report.machine ? `; machine: ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.platform}, Node ${report.machine.node}, load average at the end ${report.machine.loadAverage.join(' / ')}` : ''}`,
    '',
    '## Summary (means over targets)',
    '',
    `| arm | targets | ${armColumns.map(([, label]) => label).join(' | ')} | best Tc 95 % CI |`,
    `|---|---:|${armColumns.map(() => '---:').join('|')}|---|`,
  ];
  for (const arm of MOLECULE_ARMS) {
    const summary = report.summary[arm];
    if (!summary) continue;
    const cells = armColumns.map(([key]) =>
      key === 'timeMs'
        ? (summary.timeMs / 1000).toFixed(1)
        : ((summary[key] as number | undefined) ?? 0).toFixed(3),
    );
    lines.push(
      `| ${arm} | ${summary.targets} | ${cells.join(' | ')} | ${summary.bestTanimotoCi[0].toFixed(3)}–${summary.bestTanimotoCi[1].toFixed(3)} |`,
    );
  }
  lines.push(
    '',
    "Tc: Morgan (radius 2, 2048 bits) Tanimoto to the target's hidden known drugs. Validity and uniqueness are over everything generated; the other columns over the top N. Novelty: mean 1 − max Tc to the KG drugs the run could see; novel share: share with that max Tc < 0.4. SA: 1 easy … 10 hard.",
    '',
    ...(plotFile
      ? [
          `![best Tc to the hidden drugs per arm](${plotFile})`,
          '',
          `![novelty per arm](${plotFile.replace(/\.svg$/, '-novelty.svg')})`,
          '',
        ]
      : []),
    '## Paired comparisons (best Tc to true, per target)',
    '',
    '| arm | baseline | wins | losses | ties | mean difference | 95 % CI | Wilcoxon p | sign test p | Δ hit@0.4 | 95 % CI |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|',
  );
  for (const x of report.comparisons)
    lines.push(
      `| ${x.arm} | ${x.baseline} | ${x.wins} | ${x.losses} | ${x.ties} | ${x.meanDifference.toFixed(4)} | ${x.ci[0].toFixed(3)} to ${x.ci[1].toFixed(3)} | ${x.pValue.toPrecision(3)} | ${x.signTestP.toPrecision(3)} | ${x.hitDifference.toFixed(3)} | ${x.hitCi[0].toFixed(2)} to ${x.hitCi[1].toFixed(2)} |`,
    );
  lines.push('', `**Verdict:** ${report.verdict}.`, '', '## Per target (best Tc to true)', '');
  const shown = MOLECULE_ARMS.filter((arm) => report.summary[arm]);
  lines.push(
    `| target | id | true drugs | ${shown.join(' | ')} |`,
    `|---|---|---:|${shown.map(() => '---:').join('|')}|`,
  );
  for (const detail of report.details) {
    const best = shown.map((arm) => detail.arms[arm]?.bestTanimotoToTrue.toFixed(3) ?? '–');
    lines.push(
      `| ${detail.target.name} | ${detail.target.id} | ${detail.target.trueDrugs} | ${best.join(' | ')} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * A small SVG: per arm, every target's best Tanimoto to the hidden drugs as a dot (jittered by
 * target, deterministic), the median as a bar and the mean as a diamond, with the 0.4 hit line.
 */
/** Per-target metrics that the SVG can show per arm, with the plot title and a reference line. */
const plottedMetrics = {
  bestTanimotoToTrue: {
    title: 'Best Tanimoto to the hidden true drugs',
    line: 0.4,
    note: 'hit threshold 0.4',
  },
  novelty: { title: 'Novelty (1 − max Tc to visible KG drugs)', line: 0.6, note: 'goal 0.6' },
} as const;

export function moleculeReportSvg(
  report: MoleculeReport,
  metric: keyof typeof plottedMetrics = 'bestTanimotoToTrue',
): string {
  const plotted = plottedMetrics[metric];
  const arms = MOLECULE_ARMS.filter((arm) => report.summary[arm]);
  const width = 120 + arms.length * 80;
  const height = 320;
  const top = 30;
  const bottom = 260;
  const y = (value: number) => bottom - Math.max(0, Math.min(1, value)) * (bottom - top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${plotted.title}, per target (n = ${report.details.length})</text>`,
  ];
  for (const tick of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    parts.push(
      `<line x1="60" x2="${width - 20}" y1="${y(tick)}" y2="${y(tick)}" stroke="${tick === plotted.line ? '#c33' : '#ddd'}" stroke-dasharray="${tick === plotted.line ? '4 3' : ''}"/>`,
      `<text x="52" y="${y(tick) + 4}" text-anchor="end">${tick.toFixed(1)}</text>`,
    );
  }
  arms.forEach((arm, column) => {
    const centre = 100 + column * 80;
    const values = report.details.flatMap((detail) => {
      const metrics = detail.arms[arm];
      return metrics ? [metrics[metric]] : [];
    });
    values.forEach((value, index) => {
      const jitter = (((index * 2654435761) >>> 0) % 1000) / 1000 - 0.5;
      parts.push(
        `<circle cx="${(centre + jitter * 40).toFixed(1)}" cy="${y(value).toFixed(1)}" r="2" fill="#3a6ea5" fill-opacity="0.45"/>`,
      );
    });
    const sorted = [...values].sort((left, right) => left - right);
    const median = sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
    const average = report.summary[arm]![metric];
    parts.push(
      `<line x1="${centre - 25}" x2="${centre + 25}" y1="${y(median)}" y2="${y(median)}" stroke="black" stroke-width="2"/>`,
      `<path d="M ${centre} ${y(average) - 5} l 5 5 l -5 5 l -5 -5 z" fill="#e08a00"/>`,
      `<text x="${centre}" y="${bottom + 18}" text-anchor="middle">${arm}</text>`,
      `<text x="${centre}" y="${bottom + 32}" text-anchor="middle" fill="#555">${average.toFixed(3)}</text>`,
    );
  });
  parts.push(
    `<text x="60" y="${height - 8}" fill="#555">dots: targets; bar: median; diamond: mean (value below the arm); dashed: ${plotted.note}</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}

/** Writes `<dir>/molecules-<split>-<timestamp>.{json,md,svg}` and returns the paths. */
export async function writeMoleculeReport(
  report: MoleculeReport,
  directory: string,
): Promise<{ json: string; markdown: string; svg: string; noveltySvg: string }> {
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const base = join(directory, `molecules-${report.split.name}-${stamp}`);
  const svgName = `molecules-${report.split.name}-${stamp}.svg`;
  await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(join(directory, svgName), moleculeReportSvg(report));
  const noveltySvg = join(directory, `molecules-${report.split.name}-${stamp}-novelty.svg`);
  await writeFileAtomic(noveltySvg, moleculeReportSvg(report, 'novelty'));
  await writeFileAtomic(`${base}.md`, moleculeReportMarkdown(report, svgName));
  return { json: `${base}.json`, markdown: `${base}.md`, svg: join(directory, svgName), noveltySvg };
}
