import type { Retriever } from './retriever.js';

/**
 * `retriever` with `retrieve` replaced (e.g. to wait or take a slot first) and every other member
 * passed through, read on each access so that the wrapper never holds a stale part.
 */
export function wrapRetrieve(retriever: Retriever, retrieve: Retriever['retrieve']): Retriever {
  return {
    retrieve,
    get entities() {
      return retriever.entities;
    },
    get graph() {
      return retriever.graph;
    },
    get store() {
      return retriever.store;
    },
    predictionsUnavailableReason: () => retriever.predictionsUnavailableReason(),
  };
}
