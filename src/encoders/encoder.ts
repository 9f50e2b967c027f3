import type { Result } from '../errors.js';

/** The unimodal input families. Node types map onto them through configuration. */
export type Modality = 'protein' | 'molecule' | 'text' | 'variant';

/** Why one input could not be encoded. The rest of the batch still is. */
export interface EncodeFailure {
  code: 'INVALID_SMILES' | 'INVALID_SEQUENCE' | 'TOO_LONG' | 'EMPTY' | 'INVALID_INPUT';
  message: string;
}

export type EncodeOutcome = Result<Float32Array, EncodeFailure>;

/**
 * Everything needed to rebuild an encoder exactly: saved with the index, versioned, and hashed
 * (`configHash`) so that a bridge trained on one encoder is never run on vectors of another.
 */
export interface EncoderDescription {
  /** Registered kind, e.g. `protein-kmer`, `molecule-morgan`, `text-tfidf`, `hf-onnx`. */
  kind: string;
  version: number;
  modality: Modality;
  dimension: number;
  /** JSON-serialisable settings (no large arrays: those go to `artifacts`). */
  options: Record<string, unknown>;
  /** Files the encoder needs beside its description, relative to the encoder directory. */
  artifacts: string[];
  /** sha256 over kind, version, options and artifact contents. */
  configHash: string;
  /** Facts for people, not hashed (e.g. the RDKit build that computed the vectors). */
  provenance?: Record<string, string> | undefined;
}

export interface Encoder {
  readonly modality: Modality;
  readonly dimension: number;
  /** Encodes a batch; the output has one outcome per input, in order. Deterministic. */
  encode(inputs: readonly string[]): Promise<EncodeOutcome[]>;
  describe(): EncoderDescription;
  /** Writes `describe()` plus artifacts into `directory` (created if missing). */
  save(directory: string): Promise<void>;
  dispose?: (() => Promise<void>) | undefined;
}
