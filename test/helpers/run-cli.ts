import { commands } from '../../src/cli/commands.js';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the biobridge CLI in-process with an empty environment (or `env`), capturing what it prints. */
export async function cli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(commands, {
    argv,
    env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
