import { z } from 'zod';
import { AppError } from '../errors.js';
import { resilientLlmDefaults as llmGuard } from './llm-guard.js';
import { llmToolDefaults } from './llm-tools.js';
import {
  objectStorageEnvSchema,
  refineObjectStorage,
  toObjectStorageConfig,
  type ObjectStorageConfig,
} from './object-storage.js';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Where the service serves from by default; the CLI's help shows these same values. */
export const serviceDefaults = {
  index: 'indexes/demo',
  host: '127.0.0.1',
  port: 8787,
  device: 'cpu',
  bridgePrecision: 'fp32',
  /** One process: each HTTP worker holds its own copy of the index (≈ 0.7 GB on the shared KG). */
  httpWorkers: 1,
} as const;

/**
 * The `/v1/retrieve` hot path (README "Request path: response cache and micro-batching"). The cache
 * holds whole serialised responses, so a repeated request costs the HTTP stack alone; the batching
 * window lets concurrent requests share one bridge ONNX run per relation. A window of 0 batches
 * what arrives in the same event-loop turn without waiting. Batching is off by default
 * (`batchMaxRows: 1`): its saving was not measurable on the shared VM, and a batched row's bridge
 * score differs from a single-row run's in the last bits (onnxruntime's MatMul changes kernel).
 */
export const requestPathDefaults = {
  responseCacheMb: 64,
  batchWindowMs: 0,
  batchMaxRows: 1,
} as const;

/**
 * Every setting biobridge reads from the environment, validated once at start-up.
 * CLI flags override these (see `loadConfig`'s `overrides`).
 */
export const envSchema = z.object({
  BIOBRIDGE_INDEX: z.string().trim().min(1).default(serviceDefaults.index),
  HOST: z.string().trim().min(1).default(serviceDefaults.host),
  PORT: integer(serviceDefaults.port, 0, 65535),
  /** Bearer token required on every route except /health and the docs when set. */
  BIOBRIDGE_API_TOKEN: optionalString,
  /** ONNX execution provider for the bridge and foundation-model encoders. */
  BIOBRIDGE_DEVICE: z.enum(['cpu', 'cuda']).default(serviceDefaults.device),
  /** `int8` runs the bridge's dynamic-quantised transform (biobridge_train.quantize_onnx). */
  BIOBRIDGE_BRIDGE_PRECISION: z.enum(['fp32', 'int8']).default(serviceDefaults.bridgePrecision),
  /** The OpenAI client needs a scheme: `localhost:8080` would parse as a URL with scheme `localhost:`. */
  OPENAI_BASE_URL: optionalString.pipe(
    z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: optionalString,
  LLM_TIMEOUT_MS: integer(60_000, 1_000, 600_000),
  /** Our own retries per answer (the SDK's are off), within LLM_DEADLINE_MS. */
  LLM_MAX_RETRIES: integer(llmGuard.maxRetries, 0, 10),
  /** One deadline per answer (queue, tries, backoff, stream); past it the answer is evidence-only. */
  LLM_DEADLINE_MS: integer(llmGuard.deadlineMs, 500, 600_000),
  /** LLM calls in flight at once, apart from the inference slots; more wait in a bounded queue. */
  LLM_CONCURRENCY: integer(llmGuard.maxConcurrent, 1, 1_024),
  LLM_QUEUE_LIMIT: integer(llmGuard.maxQueued, 0, 100_000),
  /** A longer `Retry-After` from the LLM is not waited for: the answer falls back at once. */
  LLM_RETRY_AFTER_CAP_MS: integer(llmGuard.retryAfterCapMs, 0, 600_000),
  /** Failed LLM tries in a row that open the circuit breaker, and how long it stays open. */
  LLM_BREAKER_THRESHOLD: integer(llmGuard.breakerThreshold, 1, 1_000),
  LLM_BREAKER_COOLDOWN_MS: integer(llmGuard.breakerCooldownMs, 100, 3_600_000),
  /** Hard cap on LLM answer text in bytes, whatever max_tokens the upstream honours. */
  LLM_MAX_OUTPUT_BYTES: integer(llmGuard.maxOutputBytes, 256, 10_000_000),
  /** The QA agent offers the LLM its KG tools (lookup, neighbours, path, retrieve) in a bounded loop. */
  LLM_TOOLS: flag(llmToolDefaults.enabled),
  /** LLM calls per answer in the tool loop, the final answer included. */
  LLM_TOOL_MAX_STEPS: integer(llmToolDefaults.maxSteps, 1, 16),
  /** Prompt + completion tokens over all steps of one tool-loop answer. */
  LLM_TOOL_MAX_TOKENS: integer(llmToolDefaults.maxTotalTokens, 1_000, 1_000_000),
  /** Evidence is trimmed by score until the prompt fits this many (estimated) tokens. */
  LLM_MAX_PROMPT_TOKENS: integer(6_000, 500, 200_000),
  REQUEST_TIMEOUT_MS: integer(120_000, 1_000, 3_600_000),
  MAX_BODY_BYTES: integer(1_048_576, 1_024, 100_000_000),
  /** Concurrent model inferences (encoders + bridge); more requests queue. */
  INFERENCE_CONCURRENCY: integer(2, 1, 256),
  INFERENCE_QUEUE_LIMIT: integer(32, 0, 100_000),
  /** `serve` processes sharing the port (node:cluster); the request path is single-threaded JS, so one per core. */
  BIOBRIDGE_HTTP_WORKERS: integer(serviceDefaults.httpWorkers, 1, 64),
  /** Budget of the `/v1/retrieve` response cache, in MB of JSON (per HTTP worker); 0 turns it off. */
  BIOBRIDGE_RESPONSE_CACHE_MB: integer(requestPathDefaults.responseCacheMb, 0, 16_384),
  /** How long (ms, at most 2) a bridge run waits for concurrent requests' rows; 0: same event-loop turn only. */
  BIOBRIDGE_BATCH_WINDOW_MS: integer(requestPathDefaults.batchWindowMs, 0, 2),
  /** Most rows one batched bridge run takes; 1 turns micro-batching off. */
  BIOBRIDGE_BATCH_MAX_ROWS: integer(requestPathDefaults.batchMaxRows, 1, 1_024),
  /** Longest protein sequence accepted in requests (residues). */
  MAX_PROTEIN_LENGTH: integer(40_000, 10, 1_000_000),
  /** Comma-separated origins allowed by CORS (`*` for any); unset: no CORS headers. */
  CORS_ORIGINS: optionalString,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('pretty'),
  /** Object storage for `BIOBRIDGE_INDEX=s3://bucket/prefix` (src/config/object-storage.ts). */
  ...objectStorageEnvSchema.shape,
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  indexPath: string;
  host: string;
  port: number;
  /** Processes `serve` runs, sharing the port; each loads the index. */
  httpWorkers: number;
  apiToken: string | undefined;
  device: 'cpu' | 'cuda';
  bridgePrecision: 'fp32' | 'int8';
  llm:
    | {
        configured: true;
        baseURL: string;
        apiKey: string | undefined;
        model: string;
        timeoutMs: number;
        maxRetries: number;
        maxPromptTokens: number;
        /** The QA agent's tool-calling loop; its deadline is `guard.deadlineMs`. */
        tools: { enabled: boolean; maxSteps: number; maxTotalTokens: number };
        guard: {
          deadlineMs: number;
          maxConcurrent: number;
          maxQueued: number;
          retryAfterCapMs: number;
          breakerThreshold: number;
          breakerCooldownMs: number;
          maxOutputBytes: number;
        };
      }
    | { configured: false; reason: string; maxPromptTokens: number };
  limits: {
    requestTimeoutMs: number;
    maxBodyBytes: number;
    inferenceConcurrency: number;
    inferenceQueueLimit: number;
    maxProteinLength: number;
  };
  /** `/v1/retrieve` response cache and bridge micro-batching ({@link requestPathDefaults}). */
  requestPath: { responseCacheBytes: number; batchWindowMs: number; batchMaxRows: number };
  log: { level: Env['LOG_LEVEL']; format: Env['LOG_FORMAT'] };
  /** Empty: CORS off. */
  corsOrigins: string[];
  /** Used when `indexPath` is an `s3://` or `file://` location of versioned indexes. */
  storage: ObjectStorageConfig;
}

/**
 * Parses the environment (plus CLI overrides, which win) into a typed `Config`.
 * Throws one `INVALID_CONFIG` error listing every bad setting by name.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  overrides: Partial<Record<keyof Env, string | number | undefined>> = {},
): Config {
  // A blank setting (`PORT=` in a .env file) means unset: without this, `PORT=` would coerce to 0.
  const merged: Record<string, unknown> = {};
  for (const [key, value] of [...Object.entries(env), ...Object.entries(overrides)])
    if (value !== undefined && String(value).trim() !== '') merged[key] = String(value);
  const parsed = envSchema.superRefine(refineObjectStorage).safeParse(merged);
  if (!parsed.success) {
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `invalid configuration:\n${z.prettifyError(parsed.error)}`,
      details: {
        issues: parsed.error.issues.map((issue) => ({
          setting: issue.path.join('.'),
          message: issue.message,
        })),
      },
    });
  }
  const e = parsed.data;
  let llm: Config['llm'];
  if (e.OPENAI_BASE_URL && e.OPENAI_MODEL) {
    llm = {
      configured: true,
      baseURL: e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
      model: e.OPENAI_MODEL,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxRetries: e.LLM_MAX_RETRIES,
      maxPromptTokens: e.LLM_MAX_PROMPT_TOKENS,
      tools: { enabled: e.LLM_TOOLS, maxSteps: e.LLM_TOOL_MAX_STEPS, maxTotalTokens: e.LLM_TOOL_MAX_TOKENS },
      guard: {
        deadlineMs: e.LLM_DEADLINE_MS,
        maxConcurrent: e.LLM_CONCURRENCY,
        maxQueued: e.LLM_QUEUE_LIMIT,
        retryAfterCapMs: e.LLM_RETRY_AFTER_CAP_MS,
        breakerThreshold: e.LLM_BREAKER_THRESHOLD,
        breakerCooldownMs: e.LLM_BREAKER_COOLDOWN_MS,
        maxOutputBytes: e.LLM_MAX_OUTPUT_BYTES,
      },
    };
  } else {
    const missing = [!e.OPENAI_BASE_URL && 'OPENAI_BASE_URL', !e.OPENAI_MODEL && 'OPENAI_MODEL'].filter(
      Boolean,
    );
    llm = {
      configured: false,
      reason: `no LLM configured (set ${missing.join(' and ')})`,
      maxPromptTokens: e.LLM_MAX_PROMPT_TOKENS,
    };
  }
  return {
    indexPath: e.BIOBRIDGE_INDEX,
    host: e.HOST,
    port: e.PORT,
    httpWorkers: e.BIOBRIDGE_HTTP_WORKERS,
    apiToken: e.BIOBRIDGE_API_TOKEN,
    device: e.BIOBRIDGE_DEVICE,
    bridgePrecision: e.BIOBRIDGE_BRIDGE_PRECISION,
    llm,
    limits: {
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      inferenceConcurrency: e.INFERENCE_CONCURRENCY,
      inferenceQueueLimit: e.INFERENCE_QUEUE_LIMIT,
      maxProteinLength: e.MAX_PROTEIN_LENGTH,
    },
    requestPath: {
      responseCacheBytes: e.BIOBRIDGE_RESPONSE_CACHE_MB * 1024 * 1024,
      batchWindowMs: e.BIOBRIDGE_BATCH_WINDOW_MS,
      batchMaxRows: e.BIOBRIDGE_BATCH_MAX_ROWS,
    },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    storage: toObjectStorageConfig(e),
  };
}
