/**
 * The rankings the retrieval benchmark scores: `fused` is the service's default ranking; the others
 * are its components and the baselines. A module of its own so the CLI's option schema can name
 * them without loading the benchmark.
 */
export const RETRIEVAL_METHODS = [
  'fused',
  'bridge',
  'nn_transfer',
  'ligand',
  'ligand_model',
  'popularity',
  'untrained',
  'random',
] as const;
export type RetrievalMethod = (typeof RETRIEVAL_METHODS)[number];
