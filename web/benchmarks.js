// Benchmarks: the JSON reports in eval/reports as tables and plots. Known shapes get their own
// views (retrieval Hits@k, QA accuracy per form, molecule arms); anything else becomes tables of
// what is there.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api } from './api.js';
import { ErrorMessage, SelectField, Spinner, formatNumber, html } from './ui.js';

const SERIES_COLOURS = ['#1f6feb', '#8250df', '#1a7f37', '#9a6700', '#cf222e', '#0a7ea4'];
const isRecord = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const mean = (values) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN;

function LineChart({ title, xLabel, yLabel, x, series }) {
  const ref = useRef(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const width = Math.min(720, element.clientWidth || 720);
    const plot = new uPlot(
      {
        title,
        width,
        height: 280,
        scales: { x: { time: false }, y: { range: [0, 1] } },
        axes: [
          {
            label: xLabel,
            values: (_, ticks) => ticks.map((tick) => (x.includes(tick) ? String(tick) : '')),
          },
          { label: yLabel },
        ],
        series: [
          { label: xLabel },
          ...series.map((each, index) => ({
            label: each.label,
            stroke: SERIES_COLOURS[index % SERIES_COLOURS.length],
            width: 2,
            points: { size: 6 },
            value: (_, value) => (value === null || value === undefined ? '–' : value.toFixed(3)),
          })),
        ],
      },
      [x, ...series.map((each) => each.values)],
      element,
    );
    return () => plot.destroy();
  }, [title, x, series]);
  return html`<figure
    class="chart"
    role="img"
    aria-label=${`${title}: ${series.map((each) => `${each.label} ${each.values.map((value) => formatNumber(value, 2)).join(', ')}`).join('; ')}`}
  >
    <div ref=${ref}></div>
  </figure>`;
}

/** Horizontal bars, one group per row; `max` scales them (1 for rates). */
function BarChart({ title, rows, max = 1 }) {
  return html`<figure class="chart" aria-label=${title}>
    <figcaption><strong>${title}</strong></figcaption>
    <div class="bars">
      ${rows.map(
        (row) =>
          html`<div class="bar-row">
            <span>${row.label}</span>
            <span
              ><span
                class=${`bar ${row.className ?? ''}`}
                style=${`width:${Math.max(0, Math.min(1, row.value / max)) * 100}%`}
              ></span
            ></span>
            <span class="num"
              >${formatNumber(row.value, 3)}${row.detail ? html` <span class="muted small">${row.detail}</span>` : null}</span
            >
          </div>`,
      )}
    </div>
  </figure>`;
}

function MetricTable({ caption, rows, columns }) {
  return html`<div class="table-wrap">
    <table>
      <caption class="small muted" style="text-align:left">
        ${caption}
      </caption>
      <thead>
        <tr>
          <th></th>
          ${columns.map((column) => html`<th class="num">${column}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          ([label, values]) =>
            html`<tr>
              <th scope="row">${label}</th>
              ${columns.map((column) => html`<td class="num">${formatNumber(values?.[column])}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function RetrievalView({ report }) {
  const [filtered, setFiltered] = useState(Boolean(report.tasksFiltered));
  const tasks = (filtered ? report.tasksFiltered : report.tasks) ?? {};
  const methods = [...new Set(Object.values(tasks).flatMap((byMethod) => Object.keys(byMethod ?? {})))];
  const ks = [
    ...new Set(
      Object.values(tasks).flatMap((byMethod) =>
        Object.values(byMethod ?? {}).flatMap((metrics) =>
          Object.keys(metrics ?? {})
            .map((key) => /^hits@(\d+)$/.exec(key)?.[1])
            .filter(Boolean)
            .map(Number),
        ),
      ),
    ),
  ].sort((a, b) => a - b);
  const series = methods.map((method) => ({
    label: method,
    values: ks.map((k) =>
      mean(
        Object.values(tasks)
          .map((byMethod) => byMethod?.[method]?.[`hits@${k}`])
          .filter((value) => typeof value === 'number'),
      ),
    ),
  }));
  return html`<div>
    ${report.tasksFiltered ? html`<label><input type="checkbox" checked=${filtered} onChange=${(event) => setFiltered(event.target.checked)} /> Filtered setting (known edges removed from the candidates)</label>` : null}
    ${ks.length ? html`<${LineChart} title=${`Mean Hits@k over ${Object.keys(tasks).length} tasks`} xLabel="k" yLabel="Hits@k" x=${ks} series=${series} />` : null}
    <${MetricTable}
      caption="Mean over tasks"
      rows=${methods.map((method) => [
        method,
        Object.fromEntries(
          ['mrr', ...ks.map((k) => `hits@${k}`)].map((key) => [
            key,
            mean(
              Object.values(tasks)
                .map((byMethod) => byMethod?.[method]?.[key])
                .filter((value) => typeof value === 'number'),
            ),
          ]),
        ),
      ])}
      columns=${['mrr', ...ks.map((k) => `hits@${k}`)]}
    />
    ${Object.entries(tasks).map(([task, byMethod]) => {
      const columns = [
        ...new Set(Object.values(byMethod ?? {}).flatMap((metrics) => Object.keys(metrics ?? {}))),
      ];
      return html`<details>
        <summary>
          ${task} <span class="muted small">(${Object.values(byMethod)[0]?.queries ?? '?'} queries)</span>
        </summary>
        <${MetricTable} caption=${task} rows=${Object.entries(byMethod ?? {})} columns=${columns} />
      </details>`;
    })}
  </div>`;
}

function MoleculesView({ report }) {
  const arms = Object.entries(report.summary ?? {}).filter(([, metrics]) => isRecord(metrics));
  const columns = [
    ...new Set(
      arms.flatMap(([, metrics]) => Object.keys(metrics).filter((key) => typeof metrics[key] === 'number')),
    ),
  ];
  const rateColumns = columns.filter((column) =>
    arms.every(
      ([, metrics]) => typeof metrics[column] !== 'number' || (metrics[column] >= 0 && metrics[column] <= 1),
    ),
  );
  const [metric, setMetric] = useState(rateColumns.includes('bridgeMean') ? 'bridgeMean' : rateColumns[0]);
  return html`<div>
    <${SelectField}
      id="arm-metric"
      label="Metric"
      style="max-width:16rem"
      options=${rateColumns.map((column) => ({ value: column, label: column }))}
      value=${metric}
      onValue=${setMetric}
    />
    ${metric ? html`<${BarChart} title=${`${metric} per arm`} rows=${arms.map(([arm, metrics], index) => ({ label: arm, value: metrics[metric] ?? 0, className: ['', 'alt', 'alt2', 'alt3'][index % 4] }))} />` : null}
    <${MetricTable} caption="Arms" rows=${arms} columns=${columns} />
    ${report.verdict ? html`<p><strong>Verdict:</strong> ${typeof report.verdict === 'string' ? report.verdict : JSON.stringify(report.verdict)}</p>` : null}
    <${GenericView} report=${{ comparisons: report.comparisons }} />
  </div>`;
}

/** An object whose values each carry an `accuracy`: QA results per question form (or similar). */
function findAccuracyGroups(value, path = [], found = []) {
  if (!isRecord(value) || path.length > 4) return found;
  const entries = Object.entries(value).filter(
    ([, each]) => isRecord(each) && typeof each.accuracy === 'number',
  );
  if (entries.length >= 1 && entries.length === Object.keys(value).length)
    found.push({ path: path.join('.'), entries });
  else
    for (const [key, each] of Object.entries(value))
      if (key !== 'details') findAccuracyGroups(each, [...path, key], found);
  return found;
}

function AccuracyView({ groups }) {
  return groups.map(
    ({ path, entries }) =>
      html`<div>
        <${BarChart}
          title=${`Accuracy per ${path.split('.').pop() || 'group'}`}
          rows=${entries.map(([label, metrics]) => {
            const ci = metrics.ci95 ?? metrics.ci;
            return {
              label,
              value: metrics.accuracy,
              detail: `${Array.isArray(ci) ? `[${ci.map((each) => formatNumber(each, 2)).join(', ')}]` : ''}${metrics.n !== undefined ? ` n=${metrics.n}` : ''}`,
            };
          })}
        />
        <${MetricTable}
          caption=${path}
          rows=${entries}
          columns=${[...new Set(entries.flatMap(([, metrics]) => Object.keys(metrics).filter((key) => typeof metrics[key] === 'number')))]}
        />
      </div>`,
  );
}

/** Every scalar in the report, by path: the view of last resort for formats this page does not know. */
function GenericView({ report }) {
  const rows = [];
  const walk = (value, path) => {
    if (rows.length >= 400) return;
    if (Array.isArray(value)) {
      if (value.every((each) => !isRecord(each) && !Array.isArray(each))) rows.push([path, value.join(', ')]);
      else value.slice(0, 20).forEach((each, index) => walk(each, `${path}[${index}]`));
    } else if (isRecord(value))
      for (const [key, each] of Object.entries(value)) walk(each, path ? `${path}.${key}` : key);
    else if (value !== undefined) rows.push([path, value]);
  };
  walk(report, '');
  if (rows.length === 0) return null;
  return html`<details>
    <summary>All values (${rows.length}${rows.length >= 400 ? '+' : ''})</summary>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Field</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            ([path, value]) =>
              html`<tr>
                <td><code>${path}</code></td>
                <td class=${typeof value === 'number' ? 'num' : ''}>
                  ${typeof value === 'number' ? formatNumber(value, 4) : String(value)}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </details>`;
}

function ReportView({ summary, report }) {
  const accuracy = findAccuracyGroups(report);
  const { details: _details, bridge: _bridge, ...rest } = report;
  let body;
  if (report.benchmark === 'retrieval' && isRecord(report.tasks))
    body = html`<${RetrievalView} report=${report} />`;
  else if (report.benchmark === 'molecules' && isRecord(report.summary))
    body = html`<${MoleculesView} report=${report} />`;
  else if (accuracy.length) body = html`<${AccuracyView} groups=${accuracy} />`;
  return html`<article aria-label=${`Report ${summary.name}`}>
    <h2>${report.benchmark ?? summary.name}${report.split?.name ? ` · ${report.split.name}` : ''}</h2>
    <div class="report-meta">
      <span
        ><strong>Date:</strong>
        ${summary.createdAt ? new Date(summary.createdAt).toLocaleString() : 'not recorded'}</span
      >
      <span><strong>Machine:</strong> ${summary.machine ?? 'not recorded'}</span>
      ${report.index ? html`<span><strong>Index:</strong> ${report.index}</span>` : null}
      ${typeof report.durationMs === 'number' ? html`<span><strong>Duration:</strong> ${(report.durationMs / 1000).toFixed(1)} s</span>` : null}
      <span class="muted">${summary.name}</span>
    </div>
    ${body ?? html`<p class="muted">No specific view for this report format; its values follow.</p>`}
    <${GenericView} report=${rest} />
  </article>`;
}

export function BenchmarksPage({ query }) {
  const [reports, setReports] = useState(null);
  const [selected, setSelected] = useState(query.get('report') ?? '');
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/v1/reports')
      .then(({ reports: list }) => {
        setReports(list);
        setSelected((current) => current || list[0]?.name || '');
      })
      .catch(setError);
  }, []);
  useEffect(() => {
    if (!selected) return undefined;
    const controller = new AbortController();
    setReport(null);
    api(`/v1/reports/${encodeURIComponent(selected)}`, { signal: controller.signal })
      .then(setReport)
      .catch((caught) => caught.name !== 'AbortError' && setError(caught));
    return () => controller.abort();
  }, [selected]);
  const summary = reports?.find((each) => each.name === selected);
  return html`<div>
    <h1>Benchmarks</h1>
    <${ErrorMessage} error=${error} />
    ${reports === null && !error ? html`<${Spinner} label="Loading reports…" />` : null}
    ${reports?.length === 0 ? html`<p class="muted">No reports in eval/reports yet: run <code>npm run eval</code> or <code>npm run bench</code>.</p>` : null}
    ${
      reports?.length
        ? html`<${SelectField}
            id="report-select"
            label="Report"
            style="max-width:40rem"
            options=${reports.map((each) => ({
              value: each.name,
              label: `${each.benchmark ?? '?'} · ${each.createdAt?.slice(0, 16).replace('T', ' ') ?? 'undated'} · ${each.name}`,
            }))}
            value=${selected}
            onValue=${setSelected}
          />`
        : null
    }
    ${summary && report ? html`<${ReportView} key=${selected} summary=${summary} report=${report} />` : selected && !error ? html`<${Spinner} label="Loading report…" />` : null}
  </div>`;
}
