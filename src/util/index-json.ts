import { existsSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { readJsonFile } from './json-file.js';

/**
 * An optional JSON file inside an index (fusion weights and the like): undefined when absent, and
 * INVALID_INDEX naming the file when it is not JSON or fails `schema`, so a damaged file is never
 * mistaken for a missing one.
 */
export async function readOptionalIndexJson<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
): Promise<z.output<Schema> | undefined> {
  if (!existsSync(path)) return undefined;
  const json = await readJsonFile(path, { code: 'INVALID_INDEX', notJson: `${path}: not JSON` });
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: ${z.prettifyError(parsed.error)}`,
      cause: parsed.error,
    });
  return parsed.data;
}

/** Writes `value` as indented JSON, atomically; returns the path. */
export async function writeIndexJson(path: string, value: unknown): Promise<string> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
  return path;
}
