import { AppError } from '../errors.js';
import { createConcurrencyLimiter } from '../util/concurrency.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { createCircuitBreaker, type CircuitSnapshot } from './circuit-breaker.js';
import type {
  LlmClient,
  LlmCompletion,
  LlmProbeResult,
  LlmRequest,
  LlmStreamEvent,
  LlmUsage,
} from './llm-client.js';
import { estimateMessageTokens, estimateTokens } from './prompt-budget.js';
import { isLlmNotConfigured } from './unconfigured.js';
import { resilientLlmDefaults } from '../config/llm-guard.js';

export { resilientLlmDefaults };

export type ResilientLlmOptions = {
  -readonly [K in keyof typeof resilientLlmDefaults]?: number | undefined;
} & {
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
};

export interface ResilientLlmStats {
  active: number;
  queued: number;
  circuit: CircuitSnapshot;
  /** Failed tries by error code since start. */
  failures: Record<string, number>;
}

/** An {@link LlmClient} that also reports its pool and circuit, for `/health` and `/metrics`. */
export interface ResilientLlmClient extends LlmClient {
  stats(): ResilientLlmStats;
}

/**
 * Guards an LLM client (built with SDK retries off) so that a slow or failing upstream never
 * holds up the service: its own bounded pool (LLM I/O never takes an inference slot), our own
 * retries with capped exponential backoff and a capped `Retry-After`, one deadline per answer, a
 * circuit breaker, and a hard cap on output (`maxTokens` and bytes, finishing with `length`).
 * Errors carry our own messages; upstream detail (URLs, raw bodies) goes to the log only.
 */
export function createResilientLlm(inner: LlmClient, options: ResilientLlmOptions = {}): ResilientLlmClient {
  const guard = createGuard(options);
  return {
    model: inner.model,
    complete: (request) => guardedComplete(inner, guard, request),
    stream: (request) => guardedStream(inner, guard, request),
    probe: (signal) => guardedProbe(inner, guard.logger, signal),
    stats: () => guard.stats(),
  };
}

type Settings = { -readonly [K in keyof typeof resilientLlmDefaults]: number };

/** One guarded call in flight: the signal the upstream sees, our deadline, and the pool slot. */
interface GuardedCall {
  signal: AbortSignal;
  deadline: AbortSignal;
  release: () => void;
}

/** The state every call shares: settings, pool, circuit and failure counts. */
function createGuard(options: ResilientLlmOptions) {
  const settings = resolveSettings(options);
  const logger = options.logger ?? noopLogger;
  const pool = createConcurrencyLimiter({
    maxConcurrent: settings.maxConcurrent,
    maxQueued: settings.maxQueued,
    name: 'language-model',
  });
  const breaker = createCircuitBreaker({
    threshold: settings.breakerThreshold,
    cooldownMs: settings.breakerCooldownMs,
    now: options.now,
  });
  const failures: Record<string, number> = {};

  /** Starts one guarded call: circuit check, deadline, pool slot. */
  const begin = async (request: LlmRequest): Promise<GuardedCall> => {
    if (!breaker.allow()) {
      const circuit = breaker.snapshot();
      throw new AppError({
        code: 'UNAVAILABLE',
        message: `the language model is paused after ${circuit.consecutiveFailures} failed requests in a row; answering from evidence for the next ${Math.ceil((circuit.retryInMs ?? 0) / 1000)} s`,
        details: { reason: 'llm-circuit-open' },
      });
    }
    const deadline = AbortSignal.timeout(settings.deadlineMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    let release: () => void;
    try {
      release = await pool.acquire(signal);
    } catch (error) {
      // A refused or expired wait is not the upstream's fault: a half-open trial stays untried.
      breaker.cancelTrial();
      // A full pool's own message (`server busy: … language-model requests …`) says it best.
      if (!signal.aborted) throw error;
      throw settle(settings, error, request, deadline, 0);
    }
    return { signal, deadline, release };
  };

  /**
   * Judges a failed try: counts it, and resolves after the backoff when another try makes sense,
   * or throws the error the call ends with.
   */
  const afterFailure = async (
    error: unknown,
    request: LlmRequest,
    call: GuardedCall,
    attempt: number,
    started: number,
    textSent: boolean,
  ): Promise<void> => {
    const final = settle(settings, error, request, call.deadline, attempt + 1);
    if (request.signal?.aborted) throw final;
    if (error instanceof AppError && (isLlmNotConfigured(error) || error.details?.['setting'])) throw final;
    const code = error instanceof AppError ? error.code : 'UNKNOWN';
    failures[code] = (failures[code] ?? 0) + 1;
    if (upstreamFault(error) || call.deadline.aborted) breaker.failure();
    logger.warn('language-model request failed', {
      attempt: attempt + 1,
      code,
      detail: error instanceof Error ? error.message : String(error),
    });
    const retryAfterMs = retryAfterMsOf(error);
    const wait = retryAfterMs ?? Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** attempt);
    const retry =
      !textSent &&
      error instanceof AppError &&
      error.retryable &&
      !call.deadline.aborted &&
      attempt < settings.maxRetries &&
      breaker.snapshot().state === 'closed' &&
      (retryAfterMs === undefined || retryAfterMs <= settings.retryAfterCapMs) &&
      performance.now() - started + wait < settings.deadlineMs;
    if (!retry) throw final;
    await sleep(wait, call.signal).catch(() => {
      throw settle(settings, error, request, call.deadline, attempt + 1);
    });
  };

  return {
    settings,
    logger,
    breaker,
    begin,
    afterFailure,
    stats: (): ResilientLlmStats => ({
      active: pool.active,
      queued: pool.queued,
      circuit: breaker.snapshot(),
      failures: { ...failures },
    }),
  };
}

type Guard = ReturnType<typeof createGuard>;

/** The error a call ends with: the caller's abort, our deadline, or our message for the upstream's. */
function settle(
  settings: Settings,
  error: unknown,
  request: LlmRequest,
  deadline: AbortSignal,
  tries: number,
): unknown {
  if (request.signal?.aborted) return request.signal.reason;
  if (deadline.aborted)
    return new AppError({
      code: 'TIMEOUT',
      message: `the language model gave no complete answer within ${settings.deadlineMs / 1000} s`,
      retryable: true,
    });
  if (!(error instanceof AppError) || isLlmNotConfigured(error) || error.details?.['setting']) return error;
  return publicError(error, tries);
}

async function guardedComplete(inner: LlmClient, guard: Guard, request: LlmRequest): Promise<LlmCompletion> {
  const call = await guard.begin(request);
  const started = performance.now();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const completion = await inner.complete({ ...request, signal: call.signal });
        guard.breaker.success();
        const cap = createOutputCap(request.maxTokens, guard.settings.maxOutputBytes);
        const text = cap.take(completion.text);
        return cap.truncated
          ? {
              ...completion,
              text,
              finishReason: 'length',
              usage: {
                ...completion.usage,
                completionTokens: Math.min(completion.usage.completionTokens, estimateTokens(text)),
              },
            }
          : completion;
      } catch (error) {
        await guard.afterFailure(error, request, call, attempt, started, false);
      }
    }
  } finally {
    call.release();
  }
}

async function* guardedStream(
  inner: LlmClient,
  guard: Guard,
  request: LlmRequest,
): AsyncGenerator<LlmStreamEvent> {
  const call = await guard.begin(request);
  const started = performance.now();
  try {
    for (let attempt = 0; ; attempt++) {
      const cap = createOutputCap(request.maxTokens, guard.settings.maxOutputBytes);
      let sent = '';
      try {
        for await (const event of inner.stream({ ...request, signal: call.signal })) {
          if (event.type === 'finish') {
            guard.breaker.success();
            yield cap.truncated ? { ...event, finishReason: 'length' } : event;
            return;
          }
          const piece = cap.take(event.text);
          if (piece !== '') {
            sent += piece;
            yield { type: 'text-delta', text: piece };
          }
          if (cap.truncated) {
            // Leaving the loop closes the upstream stream; the rest is never read.
            guard.breaker.success();
            yield { type: 'finish', finishReason: 'length', usage: estimateUsage(request, sent) };
            return;
          }
        }
        return;
      } catch (error) {
        await guard.afterFailure(error, request, call, attempt, started, sent !== '');
      }
    }
  } finally {
    call.release();
  }
}

async function guardedProbe(inner: LlmClient, logger: Logger, signal?: AbortSignal): Promise<LlmProbeResult> {
  if (!inner.probe) return { state: 'reachable', detail: 'this LLM client cannot be probed' };
  const result = await inner.probe(signal);
  if (result.state !== 'unreachable') return result;
  logger.warn('language-model probe failed', { detail: result.detail });
  return {
    state: 'unreachable',
    detail: 'the language model cannot be reached (details in the server log)',
  };
}

/** Our message for an upstream failure: what happened, never the upstream's URL or body. */
function publicError(error: AppError, tries: number): AppError {
  const status = typeof error.details?.['status'] === 'number' ? ` (HTTP ${error.details['status']})` : '';
  const after = tries > 1 ? ` after ${tries} tries` : '';
  const retryAfter = error.details?.['retryAfterSeconds'];
  const message =
    error.code === 'RATE_LIMITED'
      ? `the language model is rate limiting requests${typeof retryAfter === 'number' ? ` (asked to wait ${retryAfter} s)` : ''}${after}`
      : error.code === 'TIMEOUT'
        ? `the language model did not respond in time${after}`
        : error.code === 'UNAVAILABLE'
          ? `the language model is unavailable${after}`
          : `the language model failed${status}${after}`;
  return new AppError({ code: error.code, message, cause: error, retryable: error.retryable });
}

/** Client errors (4xx but 408/429) are our request's fault, not the upstream's health. */
function upstreamFault(error: unknown): boolean {
  if (!(error instanceof AppError)) return true;
  const status = error.details?.['status'];
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return false;
  return true;
}

function retryAfterMsOf(error: unknown): number | undefined {
  const seconds = error instanceof AppError ? error.details?.['retryAfterSeconds'] : undefined;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

/** Cuts answer text at `maxTokens` (estimated) or `maxBytes` (UTF-8), whichever comes first. */
function createOutputCap(maxTokens: number | undefined, maxBytes: number) {
  let text = '';
  let truncated = false;
  const encoder = new TextEncoder();
  return {
    get truncated() {
      return truncated;
    },
    /** The part of `piece` that still fits. */
    take(piece: string): string {
      if (truncated) return '';
      let fitting = piece;
      while (
        fitting.length > 0 &&
        ((maxTokens !== undefined && estimateTokens(text + fitting) > maxTokens) ||
          encoder.encode(text + fitting).byteLength > maxBytes)
      ) {
        truncated = true;
        // Halve until it fits, then grow back: a few steps even for a megabyte piece.
        fitting = fitting.slice(0, Math.floor(fitting.length / 2));
      }
      if (truncated && fitting.length < piece.length)
        fitting = growWithin(text, fitting, piece, maxTokens, maxBytes, encoder);
      text += fitting;
      return fitting;
    },
  };
}

function growWithin(
  text: string,
  fitting: string,
  piece: string,
  maxTokens: number | undefined,
  maxBytes: number,
  encoder: InstanceType<typeof TextEncoder>,
): string {
  let low = fitting.length;
  let high = Math.min(piece.length, fitting.length * 2 + 1);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const candidate = text + piece.slice(0, middle);
    const fits =
      (maxTokens === undefined || estimateTokens(candidate) <= maxTokens) &&
      encoder.encode(candidate).byteLength <= maxBytes;
    if (fits) low = middle;
    else high = middle - 1;
  }
  // Never split a surrogate pair.
  let end = low;
  if (end > 0 && /[\uD800-\uDBFF]/.test(piece[end - 1] ?? '')) end -= 1;
  return piece.slice(0, end);
}

function estimateUsage(request: LlmRequest, text: string): LlmUsage {
  return { promptTokens: estimateMessageTokens(request.messages), completionTokens: estimateTokens(text) };
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function resolveSettings(options: ResilientLlmOptions): Settings {
  const settings: Settings = { ...resilientLlmDefaults };
  for (const key of Object.keys(resilientLlmDefaults) as (keyof typeof resilientLlmDefaults)[]) {
    const value = options[key];
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}
