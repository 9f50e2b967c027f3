import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AppError, describeError, isAppError } from '../errors.js';
import { createLogger, type LogLevel } from '../util/logger.js';
import type { CommandSpec } from './command.js';
import { definedFields } from '../util/defined-fields.js';

export interface CliIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  signal: AbortSignal;
}

const globalFlags = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Runs one CLI invocation and returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(commands: CommandSpec[], io: CliIo): Promise<number> {
  const [first, second] = io.argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(mainHelp(commands));
    return first ? 0 : 2;
  }
  if (first === '--version') {
    io.stdout('biobridge 0.1.0\n');
    return 0;
  }
  const command =
    commands.find((candidate) => candidate.name === `${first} ${second ?? ''}`.trim()) ??
    commands.find((candidate) => candidate.name === first);
  if (!command) {
    io.stderr(`error: unknown command "${first}"\n\n${mainHelp(commands)}`);
    return 2;
  }
  const rest = io.argv.slice(command.name.split(' ').length);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: attachNumericValues(rest, command),
      allowPositionals: true,
      strict: true,
      options: { ...globalFlags, ...toParseArgsOptions(command) },
    });
  } catch (error) {
    io.stderr(`error: ${describeError(error)}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(command));
    return 0;
  }
  const required = command.positionals.filter((positional) => !positional.optional).length;
  if (parsed.positionals.length < required || parsed.positionals.length > command.positionals.length) {
    io.stderr(
      `error: "${command.name}" takes ${describePositionals(command)}, got ${parsed.positionals.length} argument(s)\n\n${commandHelp(command)}`,
    );
    return 2;
  }
  const { help: _help, verbose, quiet, ...flagValues } = parsed.values;
  const validated = command.schema.safeParse(flagValues);
  if (!validated.success) {
    io.stderr(`error: invalid options for "${command.name}":\n${z.prettifyError(validated.error)}\n`);
    return 2;
  }

  const level: LogLevel = quiet ? 'warn' : verbose ? 'debug' : 'info';
  const logger = createLogger({ level, format: 'pretty', write: (line) => io.stderr(line + '\n') });
  try {
    const handler = await command.load();
    const code = await handler.run({
      options: validated.data,
      positionals: parsed.positionals,
      logger,
      print: io.stdout,
      env: io.env,
      signal: io.signal,
      quiet: quiet === true,
    });
    return code ?? 0;
  } catch (error) {
    if (isAppError(error)) {
      io.stderr(`error: ${error.message}\n`);
      if (verbose && error.cause) io.stderr(`cause: ${describeError(error.cause)}\n`);
      return error.code === 'BAD_REQUEST' ? 2 : 1;
    }
    io.stderr(`error: ${describeError(error)}\n`);
    if (verbose && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
    return 1;
  }
}

function toParseArgsOptions(command: CommandSpec) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, flag] of Object.entries(command.flags)) {
    // node's parseArgs types `short?:` and `multiple?:` without `undefined`.
    options[name] = { type: flag.type, ...definedFields({ short: flag.short, multiple: flag.multiple }) };
  }
  return options;
}

function describePositionals(command: CommandSpec): string {
  if (command.positionals.length === 0) return 'no arguments';
  return command.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`)).join(' ');
}

export function mainHelp(commands: CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'biobridge: cross-modal retrieval, grounded QA and molecule design over a biomedical KG',
    '',
    'Usage: biobridge <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `biobridge <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  const flagLines = Object.entries(command.flags).map(([name, flag]) => {
    const short = flag.short ? `-${flag.short}, ` : '    ';
    const value = flag.type === 'string' ? ' <value>' : '';
    const fallback = flag.defaultText ? ` (default: ${flag.defaultText})` : '';
    return `  ${short}--${name}${value}\n        ${flag.description}${fallback}`;
  });
  const positionalLines = command.positionals.map((p) => `  ${p.name}  ${p.description}`);
  return [
    `Usage: biobridge ${command.usage}`,
    '',
    command.summary,
    ...(positionalLines.length ? ['', 'Arguments:', ...positionalLines] : []),
    '',
    'Options:',
    ...flagLines,
    '  -v, --verbose\n        Debug logging and stack traces',
    '  -q, --quiet\n        Only warnings and errors on stderr',
    '  -h, --help\n        Show this help',
    '',
  ].join('\n');
}

export function usageError(message: string, details?: Record<string, unknown>): AppError {
  return new AppError({ code: 'BAD_REQUEST', message, details });
}

/**
 * `--limit -3` → `--limit=-3`: parseArgs takes a value starting with a dash for a flag and calls it
 * ambiguous; joined, the value reaches the schema, whose message names the bound it breaks.
 */
function attachNumericValues(argv: readonly string[], command: CommandSpec): string[] {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const next = argv[index + 1];
    const flag = argument.startsWith('--') ? command.flags[argument.slice(2)] : undefined;
    if (flag?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${argument}=${next}`);
      index++;
    } else out.push(argument);
  }
  return out;
}
