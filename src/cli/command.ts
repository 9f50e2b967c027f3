import type { z } from 'zod';
import type { Logger } from '../util/logger.js';

/** What every command handler receives: parsed, validated options and its output channels. */
export interface CommandContext<Options> {
  options: Options;
  positionals: string[];
  logger: Logger;
  /** Writes to stdout: results (JSON with `--json`, tables otherwise). Logs go to stderr. */
  print(text: string): void;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  /** `--quiet`: long jobs show no progress lines either (they write to the process's stderr). */
  quiet: boolean;
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** Shown in help; the zod schema holds the real default. */
  defaultText?: string;
  multiple?: boolean;
}

export interface CommandSpec<Schema extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  usage: string;
  /** Positional arguments, in order, with the help text for each. */
  positionals: { name: string; description: string; optional?: boolean }[];
  flags: Record<string, FlagSpec>;
  /** Validates the parsed flags (strings/booleans) into typed options. */
  schema: Schema;
  /** Lazily loaded so that `biobridge --help` does not pay for RDKit, LanceDB or ONNX. */
  load(): Promise<{ run(context: CommandContext<z.infer<Schema>>): Promise<number | void> }>;
}

export function defineCommand<Schema extends z.ZodType>(spec: CommandSpec<Schema>): CommandSpec<Schema> {
  return spec;
}
