import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand, type CommandContext, type CommandSpec } from '../../src/cli/command.js';
import { commands } from '../../src/cli/commands.js';
import { formatTable } from '../../src/cli/format-table.js';
import { commandHelp, mainHelp } from '../../src/cli/run-cli.js';
import { AppError } from '../../src/errors.js';
import { cli as runCliInProcess } from '../helpers/run-cli.js';

/** The shared helper with the command list second: most cases here run a fake command. */
const cli = (argv: string[], specs: CommandSpec[] = commands, env: Record<string, string> = {}) =>
  runCliInProcess(argv, env, specs);

/** A command whose handler is a test function, recording what it was given. */
function fakeCommand(
  run: (
    context: CommandContext<{ count: number; json: boolean; tag?: string[] | undefined }>,
  ) => Promise<number | void>,
) {
  const calls: CommandContext<{ count: number; json: boolean; tag?: string[] | undefined }>[] = [];
  const spec = defineCommand({
    name: 'fake run',
    summary: 'A fake command',
    usage: 'fake run <input> [output] [--count 1] [--json]',
    positionals: [
      { name: 'input', description: 'Something to read' },
      { name: 'output', description: 'Something to write', optional: true },
    ],
    schema: z.strictObject({
      count: z.coerce.number().int().min(1).default(1).describe('How many').meta({ short: 'c' }),
      tag: z.array(z.string()).optional().describe('A tag (repeatable)'),
      json: z.boolean().default(false).describe('JSON output'),
    }),
    load: async () => ({
      run: async (context) => {
        calls.push(context);
        return run(context);
      },
    }),
  });
  return { spec: spec as CommandSpec, calls };
}

describe('runCli: help and command lookup', () => {
  it('prints the main help listing every command', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const run = await cli(argv);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(mainHelp(commands));
    }
    const help = mainHelp(commands);
    for (const command of commands) expect(help).toContain(`  ${command.name}`);
    expect(help).toContain('Usage: biobridge <command> [options]');
    expect(help).toMatch(/^ {2}eval retrieval {2,}Cross-modal retrieval benchmark/m);
  });

  it('without arguments prints the main help and exits 2', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(mainHelp(commands));
  });

  it('prints the version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: 'biobridge 0.1.0\n', stderr: '' });
  });

  it('prints a command help with arguments, flags, defaults and global flags', async () => {
    const run = await cli(['ingest', '--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(commandHelp(commands.find((command) => command.name === 'ingest')!));
    expect(run.stdout).toContain('Usage: biobridge ingest <kg-dir> --out indexes/<name>');
    expect(run.stdout).toContain('  kg-dir  Directory with kg.csv(.gz)');
    expect(run.stdout).toContain('  -o, --out <value>\n        Index directory to write');
    expect(run.stdout).toContain(
      '      --on-error <value>\n        What to do with a malformed row: skip it (and count it) or fail (default: fail)',
    );
    expect(run.stdout).toContain('      --json\n        Print the result as JSON on stdout');
    expect(run.stdout).toContain('  -v, --verbose\n');
    // two-word commands take their help flag after both words
    expect((await cli(['eval', 'retrieval', '-h'])).stdout).toContain(
      'Usage: biobridge eval retrieval <index-dir>',
    );
  });

  it('rejects an unknown command with exit 2 and the main help on stderr', async () => {
    const run = await cli(['frobnicate', 'x']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: unknown command "frobnicate"\n\n${mainHelp(commands)}`);
  });
});

describe('runCli: usage errors exit 2 before the handler loads', () => {
  it('rejects an unknown flag with the command help', async () => {
    const run = await cli(['ingest', 'kg', '--out', 'x', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: Unknown option '--bogus'/);
    expect(run.stderr).toContain(commandHelp(commands.find((command) => command.name === 'ingest')!));
  });

  it('rejects a string flag without a value', async () => {
    const run = await cli(['ingest', 'kg', '--out']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: Option '-o, --out <value>' argument missing/);
  });

  it('rejects missing and extra positionals, naming what the command takes', async () => {
    const missing = await cli(['lookup', 'indexes/demo']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^error: "lookup" takes <index-dir> <query>, got 1 argument\(s\)\n\nUsage: biobridge lookup/,
    );
    const extra = await cli(['info', 'a', 'b']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^error: "info" takes <index-dir>, got 2 argument\(s\)/);
    const none = await cli(['serve', 'extra']);
    expect(none.stderr).toMatch(/^error: "serve" takes no arguments, got 1 argument\(s\)/);
  });

  it('lists every invalid option from the schema', async () => {
    const run = await cli(['ingest', 'kg', '--on-error', 'maybe', '--batch-size', '0']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatchInlineSnapshot(`
      "error: invalid options for "ingest":
      ✖ --out is required (e.g. --out indexes/shared)
        → at out
      ✖ Invalid option: expected one of "skip"|"fail"
        → at ["on-error"]
      ✖ Too small: expected number to be >=1
        → at ["batch-size"]
      "
    `);
    const methods = await cli(['eval', 'retrieval', 'idx', '--methods', 'bridge,foo']);
    expect(methods.code).toBe(2);
    expect(methods.stderr).toContain(
      'expected one of "fused"|"bridge"|"nn_transfer"|"ligand"|"ligand_model"|"popularity"|"untrained"|"random"\n  → at methods[1]',
    );
  });

  it('does not load the handler on a usage error', async () => {
    const fake = fakeCommand(async () => 0);
    await cli(['fake', 'run'], [fake.spec]);
    await cli(['fake', 'run', 'in', '--count', 'many'], [fake.spec]);
    expect(fake.calls).toEqual([]);
  });
});

describe('runCli: running a command', () => {
  it('passes validated options, positionals, env and signal to the handler', async () => {
    const fake = fakeCommand(async () => 3);
    const run = await cli(['fake', 'run', 'in', 'out', '-c', '4', '--tag', 'a', '--tag', 'b'], [fake.spec], {
      HOME: '/home/test',
    });
    expect(run.code).toBe(3);
    const [context] = fake.calls;
    expect(context?.options).toEqual({ count: 4, tag: ['a', 'b'], json: false });
    expect(context?.positionals).toEqual(['in', 'out']);
    expect(context?.env).toEqual({ HOME: '/home/test' });
    expect(context?.signal).toBeInstanceOf(AbortSignal);
    expect(context?.quiet).toBe(false);
    // an optional positional may be left out; a handler returning nothing exits 0
    const quiet = fakeCommand(async () => undefined);
    expect((await cli(['fake', 'run', 'in'], [quiet.spec])).code).toBe(0);
    expect(quiet.calls[0]?.options).toEqual({ count: 1, json: false });
  });

  it('with --json prints only the JSON document on stdout; logs go to stderr', async () => {
    const fake = fakeCommand(async (context) => {
      context.logger.info('working', { step: 1 });
      context.logger.debug('details');
      context.print(JSON.stringify({ count: context.options.count, ok: true }, null, 2) + '\n');
    });
    const run = await cli(['fake', 'run', 'in', '--json', '--count', '2'], [fake.spec]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ count: 2, ok: true });
    expect(run.stderr).toBe('info  working step=1\n');
  });

  it('--verbose adds debug logs, --quiet keeps only warnings and errors', async () => {
    const fake = fakeCommand(async (context) => {
      context.logger.debug('debug line');
      context.logger.info('info line');
      context.logger.warn('warn line');
    });
    expect((await cli(['fake', 'run', 'in', '-v'], [fake.spec])).stderr).toBe(
      'debug debug line\ninfo  info line\nwarn  warn line\n',
    );
    expect((await cli(['fake', 'run', 'in', '--quiet'], [fake.spec])).stderr).toBe('warn  warn line\n');
    // handlers hear of --quiet too, to turn their progress lines off
    expect(fake.calls.map((context) => context.quiet)).toEqual([false, true]);
  });

  it('reports an AppError as `error: message` with exit 1 and no stack trace', async () => {
    const cause = new Error('ENOENT: no such file');
    const fake = fakeCommand(async () => {
      throw new AppError({ code: 'INVALID_INDEX', message: 'no index at /tmp/x', cause });
    });
    const run = await cli(['fake', 'run', 'in'], [fake.spec]);
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'error: no index at /tmp/x\n' });
    const verbose = await cli(['fake', 'run', 'in', '--verbose'], [fake.spec]);
    expect(verbose.stderr).toBe('error: no index at /tmp/x\ncause: ENOENT: no such file\n');
  });

  it('maps a BAD_REQUEST AppError from a handler to exit 2', async () => {
    const fake = fakeCommand(async () => {
      throw new AppError({
        code: 'BAD_REQUEST',
        message: '--encoders x.json: cannot read a JSON object from the file',
      });
    });
    expect(await cli(['fake', 'run', 'in'], [fake.spec])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --encoders x.json: cannot read a JSON object from the file\n',
    });
  });

  it('reports an unexpected error with exit 1, and its stack only with --verbose', async () => {
    const fake = fakeCommand(async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    const plain = await cli(['fake', 'run', 'in'], [fake.spec]);
    expect(plain).toEqual({ code: 1, stdout: '', stderr: 'error: cannot read properties of undefined\n' });
    const verbose = await cli(['fake', 'run', 'in', '-v'], [fake.spec]);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(
      /^error: cannot read properties of undefined\nTypeError: cannot read properties of undefined\n\s+at /,
    );
  });

  it('a real command failing on a missing index exits 1 with the AppError message', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'biobridge-cli-'));
    try {
      const missing = join(directory, 'nowhere');
      const run = await cli(['info', missing, '--json']);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `error: no index at ${missing}: cannot read ${join(missing, 'manifest.json')} (build one with \`biobridge ingest <kg dir> --out ${missing}\`)\n`,
      );
      expect(run.stderr).not.toContain('    at ');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('formatTable', () => {
  it('pads columns, right-aligns numeric columns and formats fractions', () => {
    expect(
      formatTable(
        ['type', 'nodes', 'score', 'note'],
        [
          ['gene/protein', 17549, 0.123456, 'ok'],
          ['drug', 7957, 12.3456, 3],
        ],
      ),
    ).toBe(
      [
        'type          nodes   score  note',
        '------------  -----  ------  ----',
        'gene/protein  17549  0.1235  ok',
        'drug           7957   12.35  3',
        '',
      ].join('\n'),
    );
  });

  it('renders a header-only table without rows', () => {
    expect(formatTable(['a', 'bb'], [])).toBe('a  bb\n-  --\n');
  });
});

describe('commands', () => {
  it('generate their help from the schema: every field with its description and default', () => {
    for (const command of commands) {
      const help = commandHelp(command);
      for (const [name, field] of Object.entries(command.schema.shape)) {
        const flag = command.flags[name]!;
        expect(flag.description, `${command.name} --${name}`).toBe(describedText(field));
        expect(help).toContain(
          `--${name}${flag.type === 'string' ? ' <value>' : ''}\n        ${flag.description}`,
        );
        const fallback = schemaDefault(field);
        if (flag.type === 'string' && fallback !== undefined) {
          expect(flag.defaultText, `${command.name} --${name}`).toBe(String(fallback));
          expect(help).toContain(`${flag.description} (default: ${String(fallback)})\n`);
        }
      }
    }
  });

  it('derive each flag type from the schema: booleans switch, arrays repeat, the rest take a value', () => {
    const link = commands.find((command) => command.name === 'link')!;
    expect(link.flags['no-fuzzy']).toMatchObject({ type: 'boolean', multiple: false });
    expect(link.flags.type).toMatchObject({ type: 'string', short: 't', multiple: true });
    expect(link.flags.limit).toMatchObject({ type: 'string', short: 'n', multiple: false, defaultText: '5' });
    const retrieval = commands.find((command) => command.name === 'eval retrieval')!;
    // a comma list: the default shown is the string typed, not the parsed array
    expect(retrieval.flags.methods).toMatchObject({
      type: 'string',
      defaultText: 'fused,bridge,nn_transfer,ligand,ligand_model,popularity,untrained,random',
    });
    const serve = commands.find((command) => command.name === 'serve')!;
    // applied by the service config, so the schema leaves it optional and names it in meta
    expect(serve.flags.port).toMatchObject({ short: 'p', defaultText: '8787' });
  });

  it('refuses a schema field without a description', () => {
    expect(() =>
      defineCommand({
        name: 'bare',
        summary: 'no help',
        usage: 'bare',
        positionals: [],
        schema: z.strictObject({ silent: z.string().optional() }),
        load: async () => ({ run: async () => 0 }),
      }),
    ).toThrow(/--silent has no .describe\(\) text/);
  });

  it('are unique, and each flag short letter is unique within its command and the global flags', () => {
    const names = commands.map((command) => command.name);
    expect(new Set(names).size).toBe(names.length);
    for (const command of commands) {
      const shorts = Object.values(command.flags).flatMap((flag) => (flag.short ? [flag.short] : []));
      expect(new Set([...shorts, 'h', 'v', 'q']).size, command.name).toBe(shorts.length + 3);
    }
  });
});

/** The outermost `.describe()` text along a field's wrappers (default, optional, pipe). */
function describedText(field: z.ZodType): string | undefined {
  if (field.description !== undefined) return field.description;
  if (field instanceof z.ZodDefault || field instanceof z.ZodOptional)
    return describedText(field.unwrap() as z.ZodType);
  if (field instanceof z.ZodPipe) return describedText(field.in as z.ZodType);
  return undefined;
}

/** What the flag means when left out, as typed on the command line (a comma list stays a string). */
function schemaDefault(field: z.ZodType): string | number | undefined {
  if (field instanceof z.ZodPipe) return schemaDefault(field.in as z.ZodType);
  const parsed = field.safeParse(undefined);
  if (!parsed.success) return undefined;
  return typeof parsed.data === 'string' || typeof parsed.data === 'number' ? parsed.data : undefined;
}
