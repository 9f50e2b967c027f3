import { Hono } from 'hono';
import { z } from 'zod';
import { describeError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import { defineRoute } from '../route-definition.js';

export interface HealthCheckResult {
  ok: boolean;
  detail?: string;
  /** A finer state when `ok` is not enough, e.g. `not-configured` for the LLM. */
  state?: string;
}

export interface HealthCheck {
  name: string;
  /** Readiness needs every required check to pass; optional ones are reported only. */
  required: boolean;
  check(signal: AbortSignal): Promise<HealthCheckResult>;
}

export interface HealthRoutesOptions {
  checks: readonly HealthCheck[];
  /** Per check. Default 2 000. */
  timeoutMs?: number;
}

const checkReportSchema = z.object({
  ok: z.boolean(),
  required: z.boolean(),
  state: z.string().optional(),
  detail: z.string().optional(),
});

export const healthResponseSchema = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.record(z.string(), checkReportSchema),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const healthRoute = defineRoute({
  method: 'get',
  path: '/health',
  summary: 'Readiness: index, bridge and LLM checks',
  description:
    '200 when every required check passes, 503 otherwise. The LLM is optional: without it answers are evidence-only. ' +
    "Public; each check's `detail` is included only for authenticated requests (or when the service has no token).",
  tags: ['service'],
  responses: {
    200: { description: 'Ready', schema: healthResponseSchema },
    503: { description: 'Not ready; `checks` says which failed', schema: healthResponseSchema },
  },
  public: true,
});

export const liveRoute = defineRoute({
  method: 'get',
  path: '/health/live',
  summary: 'Liveness: the process answers',
  description:
    'Always 200 while the process serves HTTP; checks nothing else (use it for restarts, /health for traffic).',
  tags: ['service'],
  responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('alive') }) } },
  public: true,
});

export function createHealthRoutes(options: HealthRoutesOptions): Feature {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const app = new Hono<AppEnv>();
  app.get(healthRoute.path, async (c) => {
    const reports = await Promise.all(
      options.checks.map(
        async (check) =>
          [
            check.name,
            { ...(await runCheck(check, timeoutMs, c.var.signal)), required: check.required },
          ] as const,
      ),
    );
    const ready = reports.every(([, report]) => report.ok || !report.required);
    const body: HealthResponse = {
      status: ready ? 'ready' : 'not-ready',
      checks: Object.fromEntries(
        reports.map(([name, report]) => {
          const { detail, ...rest } = report;
          return [name, c.var.authenticated && detail !== undefined ? { ...rest, detail } : rest];
        }),
      ),
    };
    c.header('cache-control', 'no-store');
    return c.json(body, ready ? 200 : 503);
  });
  app.get(liveRoute.path, (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ status: 'alive' as const });
  });
  return { app, routes: [healthRoute, liveRoute] };
}

async function runCheck(
  check: HealthCheck,
  timeoutMs: number,
  requestSignal: AbortSignal,
): Promise<HealthCheckResult> {
  const signal = AbortSignal.any([requestSignal, AbortSignal.timeout(timeoutMs)]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, detail: `check did not finish within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([check.check(signal), timedOut]);
  } catch (error) {
    return { ok: false, detail: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The part of an LLM client the health check uses (structural, so `http` need not import `llm`). */
export interface ProbeableLlm {
  probe?(
    signal?: AbortSignal,
  ): Promise<{ state: 'not-configured' | 'reachable' | 'unreachable'; detail: string }>;
}

/**
 * Optional check reporting `state` `not-configured`, `reachable` or `unreachable`. Probes are
 * cached for `cacheMs` (default 30 s) so frequent health polling does not hit the LLM server.
 */
export function createLlmHealthCheck(
  llm: ProbeableLlm,
  options: { cacheMs?: number; now?: () => number } = {},
): HealthCheck {
  const cacheMs = options.cacheMs ?? 30_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; result: HealthCheckResult } | undefined;
  return {
    name: 'llm',
    required: false,
    async check(signal) {
      if (cached && now() - cached.at < cacheMs) return cached.result;
      if (!llm.probe) return { ok: true, state: 'unknown', detail: 'this LLM client cannot be probed' };
      const probe = await llm.probe(signal);
      const result: HealthCheckResult = {
        ok: probe.state !== 'unreachable',
        state: probe.state,
        detail: probe.detail,
      };
      cached = { at: now(), result };
      return result;
    },
  };
}

/** The part of a guarded LLM client the circuit check reads (structural, as above). */
export interface CircuitReportingLlm {
  stats(): {
    circuit: { state: string; consecutiveFailures: number; retryInMs?: number | undefined; opened: number };
  };
}

/**
 * Optional check `llm-circuit`: `closed`, `half-open`, or `open` (answers are evidence-only until
 * the cool-down ends). Never calls the LLM.
 */
export function createLlmCircuitCheck(llm: CircuitReportingLlm): HealthCheck {
  return {
    name: 'llm-circuit',
    required: false,
    check: async () => {
      const { circuit } = llm.stats();
      return {
        ok: circuit.state !== 'open',
        state: circuit.state,
        detail:
          circuit.state === 'open'
            ? `${circuit.consecutiveFailures} failed LLM requests in a row: answering from evidence for ${Math.ceil((circuit.retryInMs ?? 0) / 1000)} s more`
            : `${circuit.consecutiveFailures} failed LLM requests in a row (opened ${circuit.opened} times since start)`,
      };
    },
  };
}
