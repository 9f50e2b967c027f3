import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ObjectStore } from '../../src/storage/s3-object-store.js';
import { INDEX_VERSION_HEADER } from '../../src/http/versioned-handler.js';
import { publishIndex, readIndexPointer } from '../../src/indexing/remote-index.js';
import { cli } from '../helpers/run-cli.js';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

/**
 * Two real `biobridge serve` processes reading one index from S3 (s3rver): identical answers,
 * and a newly published version picked up by both without a restart while a request that
 * started on the old version finishes on it.
 */
const LOCATION = 's3://biobridge/demo';
const POLL_MS = 500;
const RETRIEVE = { smiles: 'CC1=C(C=C(C=C1)NC(=O)C2=CC=C(C=C2)CN3CCN(CC3)C)NC4=NC=CC(=N4)C5=CN=CC=C5', k: 5 };

interface Replica {
  url: string;
  process: ChildProcess;
  log: string[];
}

let s3: RunningS3rver;
let work: string;
const replicas: Replica[] = [];

async function startReplica(name: string): Promise<Replica> {
  const child = spawn(process.execPath, ['bin/biobridge.js', 'serve', '--index', LOCATION, '--port', '0'], {
    env: {
      PATH: process.env.PATH ?? '',
      ...s3.env,
      BIOBRIDGE_INDEX_POLL_MS: String(POLL_MS),
      BIOBRIDGE_INDEX_CACHE: join(work, `cache-${name}`),
      LOG_FORMAT: 'json',
      BIOBRIDGE_FROM_SOURCE: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      log.push(...lines);
      const listening = /listening on (http:\/\/[^\s]+)/.exec(lines.join('\n'));
      if (listening) resolve(listening[1]!);
    });
    child.once('exit', (code) => reject(new Error(`replica ${name} exited ${code}:\n${log.join('\n')}`)));
  });
  return { url, process: child, log };
}

async function retrieve(replica: Replica) {
  const response = await fetch(`${replica.url}/v1/retrieve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(RETRIEVE),
  });
  const body = await response.text();
  expect(response.status, body).toBe(200);
  return {
    version: response.headers.get(INDEX_VERSION_HEADER),
    body: JSON.parse(body) as { results: unknown },
  };
}

async function healthVersion(replica: Replica): Promise<string | undefined> {
  const response = await fetch(`${replica.url}/health`);
  const body = (await response.json()) as { checks: Record<string, { state?: string }> };
  return body.checks['index-version']?.state;
}

/**
 * Sends a retrieve request whose body arrives only when `finish` is called: the request starts
 * (and is pinned) now, its handler completes later.
 */
function slowRetrieve(replica: Replica) {
  const body = JSON.stringify(RETRIEVE);
  const url = new URL(`${replica.url}/v1/retrieve`);
  let finish!: () => void;
  const response = new Promise<{ status: number; version: string | undefined; body: string }>(
    (resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (incoming) => {
          let text = '';
          incoming.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              version: incoming.headers[INDEX_VERSION_HEADER] as string,
              body: text,
            }),
          );
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 10));
      finish = () => request.end(body.slice(10));
    },
  );
  return { response, finish: () => finish() };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'biobridge-replicas-'));
  s3 = await startS3rver(['biobridge']);
  // The writer: the bundled demo index, published with the CLI as the first version.
  const published = await cli(['publish', 'indexes/demo', '--to', LOCATION, '--json'], s3.env);
  expect(published.code, published.stderr).toBe(0);
  replicas.push(...(await Promise.all([startReplica('a'), startReplica('b')])));
}, 90_000);

afterAll(async () => {
  for (const replica of replicas) replica.process.kill('SIGTERM');
  await Promise.all(
    replicas.map((replica) => new Promise((resolve) => replica.process.once('exit', resolve))),
  );
  await s3?.close();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe('two replicas on one index in object storage', () => {
  it('serve identical retrieval answers from the same version', async () => {
    const store = createS3ObjectStore(LOCATION, s3.storage.s3);
    const pointer = await readIndexPointer(store);
    const [a, b] = await Promise.all(replicas.map(retrieve));
    expect(a!.version).toBe(pointer!.version);
    expect(b!.version).toBe(pointer!.version);
    expect(a!.body.results).toEqual(b!.body.results);
    expect((a!.body.results as unknown[]).length).toBeGreaterThan(0);
  });

  it('switch to a new version within the poll interval, finishing in-flight requests on the old one', async () => {
    const store = createS3ObjectStore(LOCATION, s3.storage.s3);
    const before = (await readIndexPointer(store))!.version;
    const reference = await retrieve(replicas[0]!);
    const inFlight = slowRetrieve(replicas[0]!);
    // The pinned request has reached the server before the new version exists.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const next = await publishIndex(store, 'indexes/demo');
    const publishedAt = performance.now();
    const switchMs: number[] = [];
    await Promise.all(
      replicas.map(async (replica) => {
        while ((await healthVersion(replica)) !== next.pointer.version) {
          expect(performance.now() - publishedAt, replica.log.slice(-5).join('\n')).toBeLessThan(30_000);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        switchMs.push(Math.round(performance.now() - publishedAt));
      }),
    );
    // Poll interval plus loading the version beside the old one (encoders, bridge, tables).
    console.info(`replicas switched ${switchMs.join(' and ')} ms after the publish (poll ${POLL_MS} ms)`);
    const [a, b] = await Promise.all(replicas.map(retrieve));
    expect([a!.version, b!.version]).toEqual([next.pointer.version, next.pointer.version]);
    expect(a!.body.results).toEqual(b!.body.results);

    // The old version is still open for the request pinned to it, and answers it.
    expect(replicas[0]!.log.join('\n')).not.toMatch(
      new RegExp(`"index version released".*"version":"${before}"`),
    );
    inFlight.finish();
    const pinned = await inFlight.response;
    expect(pinned.status, pinned.body).toBe(200);
    expect(pinned.version).toBe(before);
    expect((JSON.parse(pinned.body) as { results: unknown }).results).toEqual(reference.body.results);
    // …and released once that request ended.
    await expect
      .poll(
        () =>
          replicas[0]!.log.some((line) => line.includes('index version released') && line.includes(before)),
        {
          timeout: 5_000,
        },
      )
      .toBe(true);
  }, 60_000);
});
