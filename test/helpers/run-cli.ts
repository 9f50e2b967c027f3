import type { CommandSpec } from '../../src/cli/command.js';
import { commands } from '../../src/cli/commands.js';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the biobridge CLI (or the commands `specs`) in-process with an empty environment (or `env`),
 * capturing what it prints.
 */
export async function cli(
  argv: string[],
  env: Record<string, string> = {},
  specs: CommandSpec[] = commands,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(specs, {
    argv,
    env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
