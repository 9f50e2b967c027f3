import { z } from 'zod';
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

/** One flag as the parser and the help see it; derived from the command's schema, never written by hand. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string | undefined;
  description: string;
  /** The schema's `.default()`, or `.meta({ defaultText })` where the default is applied later (env, config). */
  defaultText?: string | undefined;
  multiple?: boolean | undefined;
}

/** What a command declares: each option once, in its zod schema. */
export interface CommandDefinition<Schema extends z.ZodObject = z.ZodObject> {
  name: string;
  summary: string;
  usage: string;
  /** Positional arguments, in order, with the help text for each. */
  positionals: { name: string; description: string; optional?: boolean }[];
  /**
   * One field per flag, named as the flag: `.describe()` is its help, `.default()` its default,
   * `.meta({ short: 'o' })` its short letter, `.meta({ defaultText })` a default applied elsewhere.
   * `z.boolean()` fields are switches, `z.array()` fields repeatable; all others take a value.
   */
  schema: Schema;
  /** Lazily loaded so that `biobridge --help` does not pay for RDKit, LanceDB or ONNX. */
  load(): Promise<{ run(context: CommandContext<z.infer<Schema>>): Promise<number | void> }>;
}

export interface CommandSpec<Schema extends z.ZodObject = z.ZodObject> extends CommandDefinition<Schema> {
  /** Parser config and help of each flag, generated from `schema`. */
  flags: Record<string, FlagSpec>;
}

export function defineCommand<Schema extends z.ZodObject>(
  definition: CommandDefinition<Schema>,
): CommandSpec<Schema> {
  return { ...definition, flags: flagsOf(definition.schema) };
}

function flagsOf(schema: z.ZodObject): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = {};
  for (const [name, field] of Object.entries<z.ZodType>(schema.shape)) flags[name] = flagOf(name, field);
  return flags;
}

/** Walks a field's wrappers (default, optional, transform pipes) down to its input type, collecting meta. */
function flagOf(name: string, field: z.ZodType): FlagSpec {
  const meta: Record<string, unknown> = {};
  let defaultValue: unknown;
  let current: z.ZodType = field;
  for (;;) {
    // Outer wrappers win: `.describe()` on the outside overrides one on the inside.
    for (const [key, value] of Object.entries(z.globalRegistry.get(current) ?? {})) {
      if (!(key in meta)) meta[key] = value;
    }
    if (current instanceof z.ZodDefault) {
      defaultValue ??= current.def.defaultValue;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) {
      // A flag that feeds another schema's field (`numberFrom`) takes that field's help and default.
      const out = current.out as z.ZodType;
      for (const [key, value] of Object.entries(z.globalRegistry.get(out) ?? {})) {
        if (!(key in meta)) meta[key] = value;
      }
      if (out instanceof z.ZodDefault) defaultValue ??= out.def.defaultValue;
      current = current.in as z.ZodType;
    } else break;
  }
  if (typeof meta.description !== 'string') throw new Error(`CLI flag --${name} has no .describe() text`);
  const type = current instanceof z.ZodBoolean ? 'boolean' : 'string';
  const defaultText =
    typeof meta.defaultText === 'string'
      ? meta.defaultText
      : type === 'string' && defaultValue !== undefined
        ? asText(defaultValue)
        : undefined;
  return {
    type,
    short: typeof meta.short === 'string' ? meta.short : undefined,
    description: meta.description,
    defaultText,
    multiple: current instanceof z.ZodArray,
  };
}

function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}
