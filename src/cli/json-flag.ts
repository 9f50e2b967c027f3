import { z } from 'zod';
import { AppError } from '../errors.js';

/** The JSON value of a flag such as `--weights '{"qed": 1}'`; a bad request naming the flag when it is not JSON. */
export function parseJsonFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError({ code: 'BAD_REQUEST', message: `${flag} must be a JSON object`, cause: error });
  }
}

/** A JSON flag validated by `schema`; the error names the flag and, after it, each offending field. */
export function parseJsonFlagAs<Schema extends z.ZodType>(
  flag: string,
  text: string,
  schema: Schema,
): z.output<Schema> {
  const parsed = schema.safeParse(parseJsonFlag(flag, text));
  if (!parsed.success)
    throw new AppError({ code: 'BAD_REQUEST', message: `${flag}: ${z.prettifyError(parsed.error)}` });
  return parsed.data;
}
