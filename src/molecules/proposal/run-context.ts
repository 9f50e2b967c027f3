import type { ProposeRequest } from '../propose-request.js';

/** What every stage of one proposal run reads: the validated request and the run's controls. */
export interface ProposalRun {
  request: ProposeRequest;
  /** Prefix of field names in errors: `body.` for the HTTP API. */
  prefix: string;
  signal: AbortSignal | undefined;
  guidance: 'bridge' | 'random';
  /** `now()` value when the search must stop breeding (the request's time budget). */
  deadline: number;
  now: () => number;
  /** Told after each genetic-algorithm generation. */
  onProgress: ((progress: ProposeProgress) => void) | undefined;
}

/** One generation's summary, as the SSE variant of the propose route streams it. */
export interface ProposeProgress {
  generation: number;
  generations: number;
  bestScore: number;
  meanScore: number;
  /** Molecules scored so far in the run. */
  evaluated: number;
}
