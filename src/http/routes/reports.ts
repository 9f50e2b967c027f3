import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import { defineRoute, errorResponse } from '../route-definition.js';

/** Where `npm run bench` and `biobridge eval` write their JSON reports. */
export const REPORTS_DIRECTORY = fileURLToPath(new URL('../../../eval/reports', import.meta.url));

const reportSummarySchema = z.object({
  name: z.string().describe('File name, for `/v1/reports/{name}`'),
  benchmark: z.string().nullable().describe('`retrieval`, `qa`, `molecules`… as the report names itself'),
  createdAt: z.string().nullable(),
  machine: z.string().nullable().describe('Where it ran, when the report records it'),
  bytes: z.number().int(),
});

export const reportListSchema = z.object({ reports: z.array(reportSummarySchema) });

export const reportListRoute = defineRoute({
  method: 'get',
  path: '/v1/reports',
  summary: 'Benchmark reports on this server (eval/reports/*.json), newest first',
  tags: ['benchmarks'],
  responses: { 200: { description: 'The reports', schema: reportListSchema } },
});

export const reportRoute = defineRoute({
  method: 'get',
  path: '/v1/reports/:name',
  summary: 'One benchmark report, as written by the benchmark',
  tags: ['benchmarks'],
  responses: {
    200: { description: 'The report JSON' },
    404: errorResponse('No report with that name'),
  },
  example: { path: '/v1/reports/retrieval-inductive-2026-11-22T01-53-17-534Z.json' },
});

/** A report's own description of the machine, whichever of the usual fields it used. */
function machineOf(report: Record<string, unknown>): string | null {
  for (const key of ['machine', 'host', 'environment', 'hardware', 'system']) {
    const value = report[key];
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const fields = value as Record<string, unknown>;
      const parts = ['description', 'name', 'hostname', 'cpu', 'cpus', 'cores', 'platform', 'node']
        .map((field) => fields[field])
        .filter((part) => typeof part === 'string' || typeof part === 'number');
      return parts.length > 0 ? parts.join(', ') : JSON.stringify(value).slice(0, 200);
    }
  }
  return null;
}

const reportName = /^[A-Za-z0-9][\w.@-]*\.json$/;

export function createReportRoutes(options: { directory?: string | undefined } = {}): Feature {
  const app = new Hono<AppEnv>();
  const directory = options.directory ?? REPORTS_DIRECTORY;

  const read = async (name: string): Promise<unknown> => {
    if (!reportName.test(name))
      throw new AppError({ code: 'NOT_FOUND', message: `no report named ${JSON.stringify(name)}` });
    const text = await readFile(join(directory, name), 'utf8').catch((error: unknown) => {
      throw new AppError({
        code: 'NOT_FOUND',
        message: `no report named ${JSON.stringify(name)}`,
        cause: error,
      });
    });
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new AppError({ code: 'INTERNAL', message: `report ${name} is not valid JSON`, cause: error });
    }
  };

  app.get(reportListRoute.path, async (c) => {
    const names = (await readdir(directory).catch(() => [] as string[])).filter((name) =>
      reportName.test(name),
    );
    const reports = await Promise.all(
      names.map(async (name) => {
        const bytes = (await stat(join(directory, name))).size;
        const report = await read(name).catch(() => null);
        const fields = report && typeof report === 'object' ? (report as Record<string, unknown>) : {};
        const text = (value: unknown) => (typeof value === 'string' ? value : null);
        return {
          name,
          benchmark: text(fields['benchmark']),
          createdAt: text(fields['createdAt']),
          machine: machineOf(fields),
          bytes,
        };
      }),
    );
    reports.sort(
      (a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name),
    );
    return c.json({ reports });
  });
  app.get(reportRoute.path, async (c) => c.json((await read(c.req.param('name'))) as object));
  return { app, routes: [reportListRoute, reportRoute] };
}
