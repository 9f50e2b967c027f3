import { describe, expect, it } from 'vitest';
import { createLlmHealthCheck, type HealthCheck } from '../../src/http/routes/health.js';
import { createUnconfiguredLlm } from '../../src/llm/unconfigured.js';
import { buildTestApp, jsonOf } from './test-app.js';

const passing = (name: string, detail: string): HealthCheck => ({
  name,
  required: true,
  check: async () => ({ ok: true, detail }),
});

describe('GET /health', () => {
  it('200 ready when required checks pass; an unconfigured LLM is reported, not fatal', async () => {
    const { app } = buildTestApp({
      dependencies: {
        healthChecks: [
          passing('index', '3 tables, 129 375 rows'),
          passing('bridge', 'model v1 loaded'),
          createLlmHealthCheck(createUnconfiguredLlm()),
        ],
      },
    });
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await jsonOf(response)).toEqual({
      status: 'ready',
      checks: {
        index: { ok: true, required: true, detail: '3 tables, 129 375 rows' },
        bridge: { ok: true, required: true, detail: 'model v1 loaded' },
        llm: {
          ok: true,
          required: false,
          state: 'not-configured',
          detail: 'no LLM configured (set OPENAI_BASE_URL and OPENAI_MODEL)',
        },
      },
    });
  });

  it('503 when a required check fails, throws or hangs', async () => {
    const { app } = buildTestApp({
      options: { healthCheckTimeoutMs: 50 },
      dependencies: {
        healthChecks: [
          {
            name: 'index',
            required: true,
            check: async () => ({ ok: false, detail: 'indexes/demo/manifest.json is missing' }),
          },
          {
            name: 'bridge',
            required: true,
            check: async () => {
              throw new Error('bridge.onnx: invalid protobuf');
            },
          },
          { name: 'slow', required: true, check: () => new Promise(() => {}) },
        ],
      },
    });
    const response = await app.request('/health');
    expect(response.status).toBe(503);
    expect(await jsonOf(response)).toEqual({
      status: 'not-ready',
      checks: {
        index: { ok: false, required: true, detail: 'indexes/demo/manifest.json is missing' },
        bridge: { ok: false, required: true, detail: 'bridge.onnx: invalid protobuf' },
        slow: { ok: false, required: true, detail: 'check did not finish within 50 ms' },
      },
    });
  });

  it('an unreachable LLM is reported but stays optional; probes are cached', async () => {
    let probes = 0;
    let clock = 0;
    const check = createLlmHealthCheck(
      {
        probe: async () => {
          probes += 1;
          return { state: 'unreachable', detail: 'cannot reach LLM (connection refused)' };
        },
      },
      { cacheMs: 1_000, now: () => clock },
    );
    const { app } = buildTestApp({ dependencies: { healthChecks: [check] } });
    const body = await jsonOf(await app.request('/health'));
    expect(body).toEqual({
      status: 'ready',
      checks: {
        llm: {
          ok: false,
          required: false,
          state: 'unreachable',
          detail: 'cannot reach LLM (connection refused)',
        },
      },
    });
    await app.request('/health');
    expect(probes).toBe(1);
    clock = 1_000;
    await app.request('/health');
    expect(probes).toBe(2);
  });
});
