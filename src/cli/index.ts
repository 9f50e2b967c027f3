#!/usr/bin/env node
import { commands } from './commands.js';
import { runCli } from './run-cli.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
process.once('SIGTERM', () => controller.abort(new Error('terminated')));

const code = await runCli(commands, {
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: controller.signal,
});
// Leave the event loop to drain (LanceDB / ONNX handles) unless a server is running.
process.exitCode = code;
