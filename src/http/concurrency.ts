/** The limiter moved to `src/util` so that the LLM layer can bound its own pool with it. */
export {
  createConcurrencyLimiter,
  type ConcurrencyLimiter,
  type ConcurrencyLimiterOptions,
  type Release,
} from '../util/concurrency.js';
