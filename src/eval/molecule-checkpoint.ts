import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import type { BenchmarkCheckpoint, TargetResult } from './molecule-benchmark.js';

/**
 * A JSON-lines file of the targets a molecule benchmark has finished, so that a long run that is
 * stopped resumes where it was. Each line carries a key of the run's settings; lines written under
 * other settings are ignored, so a changed run never mixes with an old one.
 */
export async function openMoleculeCheckpoint(path: string, settings: unknown): Promise<BenchmarkCheckpoint> {
  const key = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
  const done = new Map<number, TargetResult>();
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    // A line cut short by a kill is the only one that can fail to parse; that target is rerun.
    let entry: { key?: unknown; result?: TargetResult };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.key === key && entry.result) done.set(entry.result.target.nodeIndex, entry.result);
  }
  return {
    done,
    async save(result) {
      await appendFile(path, JSON.stringify({ key, result }) + '\n');
    },
  };
}
