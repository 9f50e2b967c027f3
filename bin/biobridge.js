#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced it, and the TypeScript
// sources through tsx otherwise, so a fresh clone works without a build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'index.js');

/** Newest modification time (ms) of the files under `directory`. */
function newestChange(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (existsSync(compiled) && process.env.BIOBRIDGE_FROM_SOURCE !== '1') {
  // A stale build runs old code silently; say so, since `npm run build` is one command away.
  const sources = join(root, 'src');
  if (existsSync(sources) && newestChange(sources) > newestChange(join(root, 'dist')))
    process.stderr.write(
      'warning: dist/ is older than src/; running the old build (run `npm run build`, or set BIOBRIDGE_FROM_SOURCE=1)\n',
    );
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'index.ts')).href);
}
