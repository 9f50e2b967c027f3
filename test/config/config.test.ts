import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { AppError } from '../../src/errors.js';

const llmEnv = { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', OPENAI_MODEL: 'llama-3.1-8b' };

function configError(env: Record<string, string | undefined>, overrides = {}): AppError {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    expect(loadConfig({})).toEqual({
      indexPath: 'indexes/demo',
      host: '127.0.0.1',
      port: 8787,
      httpWorkers: 1,
      apiToken: undefined,
      device: 'cpu',
      bridgePrecision: 'fp32',
      llm: {
        configured: false,
        reason: 'no LLM configured (set OPENAI_BASE_URL and OPENAI_MODEL)',
        maxPromptTokens: 6_000,
      },
      limits: {
        requestTimeoutMs: 120_000,
        maxBodyBytes: 1_048_576,
        inferenceConcurrency: 2,
        inferenceQueueLimit: 32,
        maxProteinLength: 40_000,
      },
      requestPath: { responseCacheBytes: 64 * 1024 * 1024, batchWindowMs: 0, batchMaxRows: 1 },
      log: { level: 'info', format: 'pretty' },
      corsOrigins: [],
      storage: {
        s3: { endpoint: undefined, region: 'us-east-1', allowHttp: false, credentials: undefined },
        pollIntervalMs: 15_000,
        cacheDirectory: undefined,
      },
    } satisfies Config);
  });

  it('reads, trims and coerces the environment, ignoring unrelated variables', () => {
    const config = loadConfig({
      BIOBRIDGE_INDEX: ' indexes/shared ',
      HOST: '0.0.0.0',
      PORT: ' 9000 ',
      BIOBRIDGE_API_TOKEN: 'secret',
      BIOBRIDGE_DEVICE: 'cuda',
      REQUEST_TIMEOUT_MS: '5000',
      MAX_BODY_BYTES: '2048',
      INFERENCE_CONCURRENCY: '4',
      INFERENCE_QUEUE_LIMIT: '0',
      BIOBRIDGE_HTTP_WORKERS: '2',
      MAX_PROTEIN_LENGTH: '1000',
      LLM_MAX_PROMPT_TOKENS: '800',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      CORS_ORIGINS: ' https://a.example , https://b.example,',
      BIOBRIDGE_RESPONSE_CACHE_MB: '0',
      BIOBRIDGE_BATCH_WINDOW_MS: '2',
      BIOBRIDGE_BATCH_MAX_ROWS: '32',
      PATH: '/usr/bin',
      HOME: '/root',
    });
    expect(config).toMatchObject({
      indexPath: 'indexes/shared',
      host: '0.0.0.0',
      port: 9000,
      httpWorkers: 2,
      apiToken: 'secret',
      device: 'cuda',
      llm: { configured: false, maxPromptTokens: 800 },
      limits: {
        requestTimeoutMs: 5000,
        maxBodyBytes: 2048,
        inferenceConcurrency: 4,
        inferenceQueueLimit: 0,
        maxProteinLength: 1000,
      },
      requestPath: { responseCacheBytes: 0, batchWindowMs: 2, batchMaxRows: 32 },
      log: { level: 'debug', format: 'json' },
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(config).not.toHaveProperty('PATH');
  });

  it('lets overrides (CLI flags) win over the environment; undefined overrides change nothing', () => {
    const env = { BIOBRIDGE_INDEX: 'indexes/env', PORT: '9000', HOST: '0.0.0.0' };
    const config = loadConfig(env, { BIOBRIDGE_INDEX: 'indexes/flag', PORT: 0, HOST: undefined });
    expect([config.indexPath, config.port, config.host]).toEqual(['indexes/flag', 0, '0.0.0.0']);
    expect(loadConfig({}, { BIOBRIDGE_DEVICE: 'cuda' }).device).toBe('cuda');
  });

  it('validates overrides like the environment', () => {
    const error = configError({ PORT: '9000' }, { PORT: 70_000 });
    expect(error.details).toEqual({
      issues: [{ setting: 'PORT', message: 'Too big: expected number to be <=65535' }],
    });
  });

  it('names every bad setting in one INVALID_CONFIG error', () => {
    const error = configError({
      PORT: 'eighty',
      BIOBRIDGE_DEVICE: 'tpu',
      OPENAI_BASE_URL: 'not a url',
      LLM_TIMEOUT_MS: '10',
      LLM_MAX_RETRIES: '1.5',
      MAX_BODY_BYTES: '10',
      LOG_LEVEL: 'loud',
      LOG_FORMAT: 'xml',
      HOST: 'localhost',
      BIOBRIDGE_BATCH_WINDOW_MS: '3',
      BIOBRIDGE_BATCH_MAX_ROWS: '0',
      BIOBRIDGE_RESPONSE_CACHE_MB: '-1',
    });
    expect(error.code).toBe('INVALID_CONFIG');
    const settings = (error.details?.issues as { setting: string }[]).map((issue) => issue.setting);
    expect(settings.sort()).toEqual(
      [
        'PORT',
        'BIOBRIDGE_DEVICE',
        'OPENAI_BASE_URL',
        'LLM_TIMEOUT_MS',
        'LLM_MAX_RETRIES',
        'MAX_BODY_BYTES',
        'LOG_LEVEL',
        'LOG_FORMAT',
        'BIOBRIDGE_BATCH_WINDOW_MS',
        'BIOBRIDGE_BATCH_MAX_ROWS',
        'BIOBRIDGE_RESPONSE_CACHE_MB',
      ].sort(),
    );
    expect(error.message.startsWith('invalid configuration:\n')).toBe(true);
    for (const setting of settings) expect(error.message).toContain(`→ at ${setting}`);
    expect(error.message).toContain('expected number, received NaN');
    expect(error.message).toContain('expected one of "cpu"|"cuda"');
  });

  it('configures the LLM only when both OPENAI_BASE_URL and OPENAI_MODEL are set', () => {
    expect(loadConfig(llmEnv).llm).toEqual({
      configured: true,
      baseURL: 'http://127.0.0.1:8000/v1',
      apiKey: undefined,
      model: 'llama-3.1-8b',
      timeoutMs: 60_000,
      maxRetries: 2,
      maxPromptTokens: 6_000,
      tools: { enabled: false, maxSteps: 4, maxTotalTokens: 16_000 },
      guard: {
        deadlineMs: 30_000,
        maxConcurrent: 16,
        maxQueued: 64,
        retryAfterCapMs: 5_000,
        breakerThreshold: 5,
        breakerCooldownMs: 30_000,
        maxOutputBytes: 32_768,
      },
    });
    expect(loadConfig({ ...llmEnv, LLM_DEADLINE_MS: '10000', LLM_BREAKER_THRESHOLD: '3' }).llm).toMatchObject(
      {
        guard: { deadlineMs: 10_000, breakerThreshold: 3 },
      },
    );
    expect(
      loadConfig({ ...llmEnv, OPENAI_API_KEY: 'sk-test', LLM_TIMEOUT_MS: '2000', LLM_MAX_RETRIES: '0' }).llm,
    ).toMatchObject({ configured: true, apiKey: 'sk-test', timeoutMs: 2000, maxRetries: 0 });
    expect(loadConfig({ OPENAI_BASE_URL: llmEnv.OPENAI_BASE_URL }).llm).toEqual({
      configured: false,
      reason: 'no LLM configured (set OPENAI_MODEL)',
      maxPromptTokens: 6_000,
    });
    expect(loadConfig({ OPENAI_MODEL: 'm', OPENAI_API_KEY: 'sk-test' }).llm).toMatchObject({
      configured: false,
      reason: 'no LLM configured (set OPENAI_BASE_URL)',
    });
  });

  it('reads the tool-loop switch and budgets, and names a bad switch', () => {
    expect(
      loadConfig({ ...llmEnv, LLM_TOOLS: 'true', LLM_TOOL_MAX_STEPS: '6', LLM_TOOL_MAX_TOKENS: '9000' }).llm,
    ).toMatchObject({ tools: { enabled: true, maxSteps: 6, maxTotalTokens: 9_000 } });
    expect(loadConfig({ ...llmEnv, LLM_TOOLS: '0' }).llm).toMatchObject({ tools: { enabled: false } });
    expect(configError({ ...llmEnv, LLM_TOOLS: 'yes' }).details).toEqual({
      issues: [{ setting: 'LLM_TOOLS', message: 'expected true or false' }],
    });
  });

  it('treats empty and blank strings as unset', () => {
    const blank = loadConfig({
      BIOBRIDGE_INDEX: '',
      HOST: ' ',
      PORT: '',
      BIOBRIDGE_API_TOKEN: '',
      BIOBRIDGE_DEVICE: '',
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '   ',
      OPENAI_MODEL: 'm',
      LLM_TIMEOUT_MS: '',
      LOG_LEVEL: '',
    });
    expect(blank).toEqual(loadConfig({ OPENAI_MODEL: 'm' }));
    expect(blank.port).toBe(8787);
    expect(blank.llm).toMatchObject({ configured: false, reason: 'no LLM configured (set OPENAI_BASE_URL)' });
    expect(loadConfig({ ...llmEnv, OPENAI_MODEL: '  ' }).llm.configured).toBe(false);
    expect(loadConfig({ ...llmEnv, OPENAI_API_KEY: '' }).llm).toMatchObject({
      configured: true,
      apiKey: undefined,
    });
    // A blank override does not hide the environment's value either.
    expect(loadConfig({ PORT: '9000' }, { PORT: '' }).port).toBe(9000);
  });

  it('requires a scheme on OPENAI_BASE_URL', () => {
    for (const url of ['localhost:8080', 'ftp://example.org/v1', '127.0.0.1:8000/v1']) {
      const error = configError({ OPENAI_BASE_URL: url, OPENAI_MODEL: 'm' });
      expect(error.details, url).toEqual({
        issues: [{ setting: 'OPENAI_BASE_URL', message: 'expected an http(s) URL' }],
      });
    }
    expect(
      loadConfig({ OPENAI_BASE_URL: 'https://api.example.org/v1', OPENAI_MODEL: 'm' }).llm.configured,
    ).toBe(true);
  });
});
