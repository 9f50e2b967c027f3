import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from './app-env.js';

/**
 * A small Prometheus registry in the text exposition format (0.0.4): one request-latency
 * histogram by route, method and status, plus samples read from the service's parts at scrape
 * time (queue depths, LLM failures, circuit state). Hand-written: a dependency for ~100 lines.
 */
export interface MetricsRegistry {
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
  /** Adds a metric whose samples are read on every scrape. */
  addCollector(collector: MetricCollector): void;
  render(): string;
}

export interface MetricCollector {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples(): { labels?: Record<string, string>; value: number }[];
}

/** Seconds; chat answers run up to the LLM deadline, retrieval is sub-second. */
export const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
] as const;

interface Series {
  labels: string;
  buckets: number[];
  sum: number;
  count: number;
}

export function createMetricsRegistry(): MetricsRegistry {
  const series = new Map<string, Series>();
  const collectors: MetricCollector[] = [];
  return {
    observeRequest(labels, seconds) {
      const key = formatLabels({ route: labels.route, method: labels.method, status: String(labels.status) });
      let entry = series.get(key);
      if (!entry) {
        entry = { labels: key, buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
        series.set(key, entry);
      }
      LATENCY_BUCKETS.forEach((bound, index) => {
        if (seconds <= bound) entry.buckets[index]! += 1;
      });
      entry.sum += seconds;
      entry.count += 1;
    },
    addCollector(collector) {
      collectors.push(collector);
    },
    render() {
      const lines = [
        '# HELP biobridge_http_request_duration_seconds Time to response headers, by route.',
        '# TYPE biobridge_http_request_duration_seconds histogram',
      ];
      for (const entry of series.values()) {
        const inner = entry.labels.slice(1, -1);
        LATENCY_BUCKETS.forEach((bound, index) =>
          lines.push(
            `biobridge_http_request_duration_seconds_bucket{${inner},le="${bound}"} ${entry.buckets[index]}`,
          ),
        );
        lines.push(`biobridge_http_request_duration_seconds_bucket{${inner},le="+Inf"} ${entry.count}`);
        lines.push(`biobridge_http_request_duration_seconds_sum${entry.labels} ${entry.sum}`);
        lines.push(`biobridge_http_request_duration_seconds_count${entry.labels} ${entry.count}`);
      }
      for (const collector of collectors) {
        lines.push(
          `# HELP ${collector.name} ${collector.help}`,
          `# TYPE ${collector.name} ${collector.type}`,
        );
        for (const sample of collector.samples())
          lines.push(`${collector.name}${sample.labels ? formatLabels(sample.labels) : ''} ${sample.value}`);
      }
      return lines.join('\n') + '\n';
    },
  };
}

function formatLabels(labels: Record<string, string>): string {
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}="${escape(value)}"`)
    .join(',')}}`;
}

/** Observes every request's time to headers under its route pattern (`/v1/models/:model`), not its path. */
export function requestMetrics(registry: MetricsRegistry): MiddlewareHandler<AppEnv> {
  return async function requestMetrics(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routePath(c, -1);
      registry.observeRequest(
        {
          method: c.req.method,
          route: route === '/*' || route === '*' || route === '' ? 'unmatched' : route,
          status: c.res.status,
        },
        (performance.now() - started) / 1000,
      );
    }
  };
}
