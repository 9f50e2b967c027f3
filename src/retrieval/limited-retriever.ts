import type { ConcurrencyLimiter } from '../util/concurrency.js';
import { type Retriever, wrapRetrieve } from './retriever.js';

/**
 * The retriever with every `retrieve` under an inference slot: encoders and the bridge are CPU
 * bound. Agents get this one, so that a chat holds a slot only while it retrieves, never while
 * it waits on the LLM.
 */
export function withInferenceSlots(retriever: Retriever, limiter: ConcurrencyLimiter): Retriever {
  return wrapRetrieve(retriever, (request, options) =>
    limiter.run(() => retriever.retrieve(request, options), options?.signal),
  );
}
