import { AppError } from '../errors.js';

/** Why a chemistry input was rejected. These are expected outcomes, returned in a `Result`. */
/** `UNSUPPORTED_MOLECULE`: valid, but beyond what an operation handles (e.g. > 999 atoms for a scaffold). */
export type ChemErrorCode = 'INVALID_SMILES' | 'INVALID_SMARTS' | 'UNSUPPORTED_MOLECULE';

export interface ChemError {
  code: ChemErrorCode;
  /** RDKit's reason where it gave one, e.g. "SMILES Parse Error: extra open parentheses while parsing: CC(C". */
  message: string;
  /** The rejected input, as given. */
  input: string;
  /** 0-based character position RDKit pointed at, when it did. */
  position?: number | undefined;
}

/**
 * Lifts a chemistry failure into the service error contract (422), naming the request field that
 * held the input.
 */
export function chemErrorToAppError(error: ChemError, field?: string): AppError {
  const subject = error.code === 'INVALID_SMARTS' ? 'SMARTS' : 'SMILES';
  const problem = error.code === 'UNSUPPORTED_MOLECULE' ? 'unsupported' : 'invalid';
  return new AppError({
    code: 'UNPROCESSABLE',
    message: `${field ? `${field}: ` : ''}${problem} ${subject} ${JSON.stringify(abbreviate(error.input))}: ${error.message}`,
    details: {
      reason: error.code,
      input: error.input,
      // Undefined values leave their keys out of the JSON error body.
      field,
      position: error.position,
    },
  });
}

export function abbreviate(text: string, limit = 80): string {
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}
