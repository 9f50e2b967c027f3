import type { ProposalStats } from '../proposal-schema.js';

export type StageTimings = ProposalStats['timingsMs'];
export type StageName = Exclude<keyof StageTimings, 'total'>;

export interface StageTimer {
  /** Runs `fn`, adds its wall time to `stage` (also when it throws) and returns its result. */
  timed<T>(stage: StageName, fn: () => Promise<T> | T): Promise<T>;
  /** Milliseconds per stage and in total since the timer started, rounded to 0.1 ms. */
  finish(): StageTimings;
}

/** One clock for every stage of a proposal run, so that `stats.timingsMs` adds up. */
export function createStageTimer(now: () => number): StageTimer {
  const started = now();
  const timings: StageTimings = {
    target: 0,
    seeds: 0,
    knownDrugs: 0,
    llm: 0,
    search: 0,
    ranking: 0,
    response: 0,
    total: 0,
  };
  return {
    async timed(stage, fn) {
      const stageStarted = now();
      try {
        return await fn();
      } finally {
        timings[stage] += now() - stageStarted;
      }
    },
    finish() {
      timings.total = now() - started;
      const rounded = { ...timings };
      for (const key of Object.keys(rounded) as (keyof StageTimings)[])
        rounded[key] = Math.round(rounded[key] * 10) / 10;
      return rounded;
    },
  };
}
