/**
 * A small dependency-free SVG line chart (for Hits@k curves in reports and the README): one
 * polyline with markers per series over a shared x axis, log-scaled when asked, y in [0, 1].
 */
export interface LineSeries {
  name: string;
  values: readonly number[];
}

export interface LineChartOptions {
  title: string;
  x: readonly number[];
  series: readonly LineSeries[];
  xLabel?: string | undefined;
  yLabel?: string | undefined;
  logX?: boolean | undefined;
  width?: number | undefined;
  height?: number | undefined;
}

const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#7f7f7f', '#8c564b', '#e377c2'];
const MARGIN = { left: 48, right: 130, top: 28, bottom: 40 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const format = (value: number) => Number(value.toFixed(2)).toString();

export function lineChartSvg(options: LineChartOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 300;
  if (options.x.length === 0) throw new RangeError('lineChartSvg: x is empty');
  for (const series of options.series)
    if (series.values.length !== options.x.length)
      throw new RangeError(
        `lineChartSvg: series "${series.name}" has ${series.values.length} values for ${options.x.length} x positions`,
      );
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const transform = (value: number) => (options.logX ? Math.log10(value) : value);
  const xMin = transform(options.x[0]!);
  const xMax = transform(options.x[options.x.length - 1]!);
  const xAt = (value: number) =>
    MARGIN.left + (xMax === xMin ? plotWidth / 2 : ((transform(value) - xMin) / (xMax - xMin)) * plotWidth);
  const yAt = (value: number) => MARGIN.top + (1 - Math.min(1, Math.max(0, value))) * plotHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const y = format(yAt(tick));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tick}</text>`,
    );
  }
  for (const value of options.x)
    parts.push(
      `<text x="${format(xAt(value))}" y="${MARGIN.top + plotHeight + 14}" text-anchor="middle">${value}</text>`,
    );
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
  );
  if (options.xLabel)
    parts.push(
      `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    );
  if (options.yLabel)
    parts.push(
      `<text x="12" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + plotHeight / 2})">${escapeXml(options.yLabel)}</text>`,
    );
  options.series.forEach((series, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const points = series.values.map(
      (value, position) => `${format(xAt(options.x[position]!))},${format(yAt(value))}`,
    );
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const point of points) {
      const [cx, cy] = point.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${colour}"/>`);
    }
    const legendY = MARGIN.top + 8 + index * 16;
    parts.push(
      `<line x1="${width - MARGIN.right + 10}" x2="${width - MARGIN.right + 28}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${width - MARGIN.right + 32}" y="${legendY}" dominant-baseline="middle">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
