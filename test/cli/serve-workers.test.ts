import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * `serve` with BIOBRIDGE_HTTP_WORKERS=2 on the demo index, as a real process: two workers share
 * one port and answer, SIGTERM stops everything with exit code 0, and a worker that dies takes
 * the service down with exit code 1 instead of leaving it at half strength.
 */
function startServe(): { child: ChildProcess; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['bin/biobridge.js', 'serve', '--index', 'indexes/demo', '--port', '0'],
    {
      env: { ...process.env, BIOBRIDGE_HTTP_WORKERS: '2', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exit };
}

/** Node processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return children === '' ? [] : children.split(' ').map(Number);
}

async function waitForWorkers(url: string, pid: number): Promise<number[]> {
  for (let tries = 0; tries < 600; tries++) {
    const workers = childrenOf(pid).filter((child) =>
      readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('serve'),
    );
    const ready = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (workers.length === 2 && ready) return workers;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('two ready workers did not appear');
}

describe.runIf(process.platform === 'linux')('serve with two HTTP workers', () => {
  it('answers retrievals from two worker processes and stops cleanly on SIGTERM', async () => {
    const { child, url, exit } = startServe();
    try {
      const base = await url;
      const workers = await waitForWorkers(base, child.pid!);
      expect(new Set(workers).size).toBe(2);
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${base}/v1/retrieve`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ smiles: 'CC(=O)Oc1ccccc1C(=O)O', targetTypes: ['gene/protein'], k: 3 }),
          }).then((response) => response.status),
        ),
      );
      expect(statuses).toEqual(Array.from({ length: 8 }, () => 200));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 240_000);

  it('exits with 1 when a worker dies', async () => {
    const { child, url, exit } = startServe();
    try {
      const workers = await waitForWorkers(await url, child.pid!);
      process.kill(workers[0]!, 'SIGKILL');
      expect(await exit).toBe(1);
    } finally {
      child.kill('SIGKILL');
    }
  }, 240_000);
});
