import { z } from 'zod';
import { AppError } from '../../src/errors.js';
import { runCommand } from './debian-packages.js';

/** SQL string literal; values come from seed files, so they are quoted, never interpolated raw. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlList(values: readonly string[]): string {
  return values.length === 0 ? '(NULL)' : `(${values.map(sqlString).join(',')})`;
}

/**
 * Runs one read-only query with the `sqlite3` CLI (Node 20 has no built-in SQLite) and validates
 * each row. The SQL goes through stdin: IN-lists of thousands of GO ids exceed argv limits.
 */
export async function querySqlite<S extends z.ZodType>(
  databasePath: string,
  sql: string,
  rowSchema: S,
): Promise<z.output<S>[]> {
  const { stdout } = await runCommand('sqlite3', ['-readonly', '-json', databasePath], { input: sql });
  if (stdout.trim() === '') return [];
  let rows: unknown;
  try {
    rows = JSON.parse(stdout);
  } catch (cause) {
    throw new AppError({ code: 'INTERNAL', message: `sqlite3 ${databasePath}: output is not JSON`, cause });
  }
  const parsed = z.array(rowSchema).safeParse(rows);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${databasePath}: unexpected row shape: ${z.prettifyError(parsed.error)}`,
      details: { file: databasePath },
    });
  return parsed.data;
}
