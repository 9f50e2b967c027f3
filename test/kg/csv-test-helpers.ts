import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import type { z } from 'zod';
import { formatRowError, openCsvFile, type CsvReadOptions, type CsvRow } from '../../src/kg/csv-reader.js';

/** A temporary directory per test file; `cleanup` removes it. */
export async function createTemporaryDirectory(prefix = 'biobridge-kg-'): Promise<{
  path: string;
  write(name: string, content: string | Buffer): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async write(name, content) {
      const file = join(path, name);
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      await writeFile(file, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
      return file;
    },
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}

export type TemporaryDirectory = Awaited<ReturnType<typeof createTemporaryDirectory>>;

/**
 * A temporary directory made before the tests of the calling file (or `describe`) and removed after
 * them: its fields are there from the first `beforeAll` registered after this call on.
 */
export function useTemporaryDirectory(prefix?: string): TemporaryDirectory {
  const directory = {} as TemporaryDirectory;
  beforeAll(async () => {
    Object.assign(directory, await createTemporaryDirectory(prefix));
  });
  afterAll(async () => {
    await (directory as Partial<TemporaryDirectory>).cleanup?.();
  });
  return directory;
}

/** Reads a whole file with the given schema, in `skip` mode unless told otherwise. */
export async function readAllRows<Schema extends z.ZodObject>(
  path: string,
  schema: Schema,
  options: Partial<CsvReadOptions> = {},
): Promise<{
  rows: CsvRow<z.output<Schema>>[];
  errors: string[];
  report: ReturnType<typeof openCsvFile<Schema>>['report'];
}> {
  const reader = openCsvFile(path, schema, { onError: 'skip', ...options });
  const rows: CsvRow<z.output<Schema>>[] = [];
  for await (const row of reader.rows()) rows.push(row);
  return { rows, errors: reader.report.errors.map(formatRowError), report: reader.report };
}
