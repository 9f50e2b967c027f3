/**
 * A circuit breaker for one upstream: after `threshold` failures in a row it opens, and callers
 * skip the upstream at once for `cooldownMs`; then one trial call is let through (half-open):
 * success closes the circuit, failure opens it for another cool-down.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** Milliseconds until a trial call is allowed (open only). */
  retryInMs?: number | undefined;
  /** Times the circuit has opened since start. */
  opened: number;
}

export interface CircuitBreaker {
  /** True when a call may go upstream now; in half-open, only the first caller gets true. */
  allow(): boolean;
  success(): void;
  failure(): void;
  /** The allowed call never reached the upstream (refused by a full pool): let the next one try. */
  cancelTrial(): void;
  snapshot(): CircuitSnapshot;
}

export interface CircuitBreakerOptions {
  /** Failures in a row that open the circuit. */
  threshold: number;
  cooldownMs: number;
  now?: (() => number) | undefined;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;
  let opened = 0;

  const state = (): CircuitState => {
    if (openedAt === undefined) return 'closed';
    return now() - openedAt >= options.cooldownMs ? 'half-open' : 'open';
  };

  return {
    allow() {
      const current = state();
      if (current === 'closed') return true;
      if (current === 'open' || trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    success() {
      failures = 0;
      openedAt = undefined;
      trialInFlight = false;
    },
    failure() {
      failures += 1;
      const trial = trialInFlight;
      trialInFlight = false;
      if (trial || (openedAt === undefined && failures >= options.threshold)) {
        openedAt = now();
        opened += 1;
      }
    },
    cancelTrial() {
      trialInFlight = false;
    },
    snapshot() {
      const current = state();
      return {
        state: current,
        consecutiveFailures: failures,
        retryInMs:
          current === 'open' && openedAt !== undefined
            ? Math.max(0, options.cooldownMs - (now() - openedAt))
            : undefined,
        opened,
      };
    },
  };
}
