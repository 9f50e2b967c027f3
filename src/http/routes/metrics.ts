import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import type { MetricsRegistry } from '../metrics.js';
import { defineRoute } from '../route-definition.js';

export const metricsRoute = defineRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics: latency by route, queue depths, LLM failures and circuit state',
  description: 'Text exposition format 0.0.4. Needs the bearer token when the service has one.',
  tags: ['service'],
  responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
});

export function createMetricsRoutes(options: { registry: MetricsRegistry }): Feature {
  const app = new Hono<AppEnv>();
  app.get(metricsRoute.path, (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    c.header('cache-control', 'no-store');
    return c.body(options.registry.render());
  });
  return { app, routes: [metricsRoute] };
}
