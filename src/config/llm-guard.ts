/** Every default of the LLM guard, declared once (the environment overrides them: src/config). */
export const resilientLlmDefaults = {
  /** LLM calls in flight at once; they wait on the network, not on our CPU. */
  maxConcurrent: 16,
  /** Calls waiting for a slot before new ones fail at once (and answer from evidence). */
  maxQueued: 64,
  /** One deadline for a whole answer: queueing, every try, backoff and the stream. */
  deadlineMs: 30_000,
  maxRetries: 2,
  backoffBaseMs: 250,
  backoffMaxMs: 4_000,
  /** A `Retry-After` longer than this is not waited for: the answer falls back at once. */
  retryAfterCapMs: 5_000,
  /** Failed tries in a row that open the circuit. */
  breakerThreshold: 5,
  breakerCooldownMs: 30_000,
  /** Hard cap on answer text, whatever `max_tokens` the upstream honours. */
  maxOutputBytes: 32 * 1024,
} as const;
