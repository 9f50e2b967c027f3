import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../src/eval/svg-line-chart.js';

describe('lineChartSvg', () => {
  const svg = lineChartSvg({
    title: 'Hits@k <drug>',
    x: [1, 10, 100],
    logX: true,
    series: [
      { name: 'fused', values: [0, 0.5, 1] },
      { name: 'random', values: [0, 0, 0.25] },
    ],
    width: 400,
    height: 200,
  });

  it('draws one polyline per series, log-spaced on x, y in [0, 1]', () => {
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((match) =>
      match[1]!.split(' '),
    );
    expect(polylines).toHaveLength(2);
    // plot area: x 48 … 270 (400 − 48 − 130 wide), y 28 (value 1) … 160 (value 0)
    expect(polylines[0]).toEqual(['48,160', '159,94', '270,28']);
    expect(polylines[1]).toEqual(['48,160', '159,160', '270,127']);
    expect(svg).toContain('>fused</text>');
    expect(svg).toContain('Hits@k &lt;drug&gt;');
  });

  it('rejects a series that does not match the x axis', () => {
    expect(() => lineChartSvg({ title: 't', x: [1, 2], series: [{ name: 's', values: [1] }] })).toThrow(
      'lineChartSvg: series "s" has 1 values for 2 x positions',
    );
  });
});
