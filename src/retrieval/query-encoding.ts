import type { Encoder } from '../encoders/encoder.js';
import { AppError } from '../errors.js';

export interface EncodeQueryInput {
  /** Node type whose encoder reads the input (`drug` for SMILES, `gene/protein` for sequences). */
  type: string;
  input: string;
  /** Request field the input came from, named in errors (`smiles`, `attachments.protein`). */
  field: string;
}

/**
 * Encodes one query input with its node type's encoder. A rejected input (invalid SMILES, illegal
 * residue, too long, empty) is `UNPROCESSABLE` naming the field and the encoder's reason; a type
 * without an encoder is `UNAVAILABLE`, since that is how the index was built, not the caller's fault.
 */
export async function encodeQueryInput(
  encoderFor: (type: string) => Encoder | undefined,
  query: EncodeQueryInput,
): Promise<Float32Array> {
  const encoder = encoderFor(query.type);
  if (!encoder)
    throw new AppError({
      code: 'UNAVAILABLE',
      message: `${query.field}: this index has no encoder for ${query.type}, so such inputs cannot be searched`,
      details: { field: query.field, type: query.type },
    });
  const [outcome] = await encoder.encode([query.input]);
  if (!outcome)
    throw new AppError({
      code: 'INTERNAL',
      message: `the ${encoder.describe().kind} encoder returned no result for ${query.field}`,
    });
  if (!outcome.ok)
    throw new AppError({
      code: 'UNPROCESSABLE',
      message: `${query.field}: ${outcome.error.message}`,
      details: { field: query.field, reason: outcome.error.code },
    });
  return outcome.value;
}
