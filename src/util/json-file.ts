import { readFile } from 'node:fs/promises';
import { AppError, type ErrorCode } from '../errors.js';

export interface JsonFileErrors {
  /** The code of both failures: `INVALID_INDEX` for index files, `INVALID_CONFIG` for settings… */
  code: ErrorCode;
  /** Says what is missing when the file cannot be read. Default: `cannot read <path>`. */
  unreadable?: string | undefined;
  /** Says what is wrong when the text is not JSON. Default: `<path> is not valid JSON`. */
  notJson?: string | undefined;
}

/**
 * The parsed JSON of a file, with an `AppError` naming the file (`details.file`) when it cannot be
 * read or is not JSON. Validating the value is the caller's: each file has its own schema and words.
 */
export async function readJsonFile(path: string, errors: JsonFileErrors): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError({
      code: errors.code,
      message: errors.unreadable ?? `cannot read ${path}`,
      cause: error,
      details: { file: path },
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError({
      code: errors.code,
      message: errors.notJson ?? `${path} is not valid JSON`,
      cause: error,
      details: { file: path },
    });
  }
}
