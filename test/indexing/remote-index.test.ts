import { cp, mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadObjectStorageConfig } from '../../src/config/object-storage.js';
import { openIndex } from '../../src/indexing/open-index.js';
import {
  fetchIndexVersion,
  lanceLocationOf,
  openIndexObjectStore,
  publishIndex,
  pruneIndexCache,
  readIndexPointer,
  remoteIndexLayout,
} from '../../src/indexing/remote-index.js';
import { createS3ObjectStore } from '../../src/storage/s3-object-store.js';
import { VECTOR_FILES_DIRECTORY } from '../../src/store/vector-files.js';
import { cli } from '../helpers/run-cli.js';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.js';
import { writeTinyEncoderConfig, writeTinyIndexKg } from './tiny-index.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'biobridge-remote-index-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const noStorage = loadObjectStorageConfig({});

describe('publishIndex and fetchIndexVersion on a file:// store', () => {
  it('publishes versions behind CURRENT and fetches one into the cache without its tables', async () => {
    const location = pathToFileURL(join(work, 'store')).href;
    const store = openIndexObjectStore(location, noStorage);
    expect(await readIndexPointer(store)).toBeUndefined();
    const first = await publishIndex(store, 'indexes/demo');
    const second = await publishIndex(store, 'indexes/demo');
    expect(second.pointer.version > first.pointer.version).toBe(true);
    expect((await readIndexPointer(store))?.version).toBe(second.pointer.version);
    expect(first.files).toBeGreaterThan(10);

    const cache = join(work, 'cache');
    const fetched = await fetchIndexVersion(store, second.pointer.version, cache, { skipLance: true });
    expect(fetched.tableNames).toContain('drug');
    expect(await readdir(fetched.directory)).not.toContain('lance');
    expect(await readFile(join(fetched.directory, 'manifest.json'), 'utf8')).toBe(
      await readFile('indexes/demo/manifest.json', 'utf8'),
    );
    // The cached files plus the tables where the store keeps them open as an index.
    const lance = lanceLocationOf(location, second.pointer.version, noStorage);
    const index = await openIndex(fetched.directory, {
      lanceUri: lance.uri,
      store: { tableNames: fetched.tableNames },
    });
    expect(index.graph.nodeCount).toBeGreaterThan(1000);
    await index.close();
  });

  it("leaves out the index's vector files, a cache each replica writes for itself", async () => {
    const copy = join(work, 'with-vector-files');
    await cp('indexes/demo', copy, { recursive: true, dereference: true });
    await mkdir(join(copy, VECTOR_FILES_DIRECTORY), { recursive: true });
    await writeFile(join(copy, VECTOR_FILES_DIRECTORY, 'drug.vector.f32'), 'cached columns');
    const store = openIndexObjectStore(pathToFileURL(join(work, 'store-without-vectors')).href, noStorage);
    const published = await publishIndex(store, copy);
    const fetched = await fetchIndexVersion(store, published.pointer.version, join(work, 'cache-2'), {
      skipLance: false,
    });
    expect(await readdir(fetched.directory)).toContain('manifest.json');
    expect(await readdir(fetched.directory)).not.toContain(VECTOR_FILES_DIRECTORY);
  });

  it('refuses to publish a directory that is not an index, uploading nothing', async () => {
    const location = pathToFileURL(join(work, 'refused')).href;
    const store = openIndexObjectStore(location, noStorage);
    await mkdir(join(work, 'not-an-index'), { recursive: true });
    await writeFile(join(work, 'not-an-index', 'notes.txt'), 'mine');
    await expect(publishIndex(store, join(work, 'not-an-index'))).rejects.toThrow(/no index at/);
    expect(await store.list('')).toEqual([]);
  });

  it('names a version whose upload was interrupted (no file list) and a corrupt pointer', async () => {
    const store = openIndexObjectStore(pathToFileURL(join(work, 'broken')).href, noStorage);
    await expect(
      fetchIndexVersion(store, '20260101T000000000Z-00000000', join(work, 'c2'), { skipLance: true }),
    ).rejects.toThrow(/has no index-files\.json \(an interrupted publish\?\)/);
    await store.put(remoteIndexLayout.pointer, new TextEncoder().encode('{"version": 3}'));
    await expect(readIndexPointer(store)).rejects.toThrow(/CURRENT does not match the remote index format/);
  });

  it('prunes cached versions beyond the newest three, never one in use', async () => {
    const cache = join(work, 'prune');
    const names = [1, 2, 3, 4, 5].map((n) => `2026010${n}T000000000Z-0000000${n}`);
    for (const name of names) await mkdir(join(cache, name), { recursive: true });
    const removed = await pruneIndexCache(cache, new Set([names[0]!]));
    expect(removed).toEqual([names[1]]);
  });
});

describe('biobridge ingest --out <store>', () => {
  it('builds locally and publishes the index as a new version named after the prefix', async () => {
    const kg = join(work, 'tiny-kg');
    await writeTinyIndexKg(kg);
    const encoders = await writeTinyEncoderConfig(join(work, 'tiny-encoders.json'));
    const location = pathToFileURL(join(work, 'ingested', 'tiny')).href;
    const run = await cli(['ingest', kg, '--out', location, '--encoders', encoders, '--json', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { published: { pointer: { version: string; name: string } } };
    const pointer = await readIndexPointer(openIndexObjectStore(location, noStorage));
    expect(pointer).toEqual(summary.published.pointer);
    expect(pointer?.name).toBe('tiny');
  });

  it('checks the storage settings before any work', async () => {
    const run = await cli(['ingest', join(work, 'no-such-kg'), '--out', 's3://bucket/x'], {
      BIOBRIDGE_S3_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/BIOBRIDGE_S3_ALLOW_HTTP=true/);
    expect(run.stderr).not.toMatch(/no-such-kg/);
  });
});

describe('the S3 object store on s3rver', () => {
  let s3: RunningS3rver;
  beforeAll(async () => {
    s3 = await startS3rver(['objects']);
  });
  afterAll(async () => {
    await s3.close();
  });

  it('puts, gets, lists under a prefix and answers undefined for a missing key', async () => {
    const store = createS3ObjectStore('s3://objects/some/prefix', s3.storage.s3);
    await store.put('a/b c.txt', new TextEncoder().encode('one'));
    await store.put('a/d&e.json', new TextEncoder().encode('two'));
    await store.put('z.txt', new TextEncoder().encode('three'));
    expect(new TextDecoder().decode(await store.get('a/b c.txt'))).toBe('one');
    expect(await store.get('a/missing')).toBeUndefined();
    expect((await store.list('a')).sort()).toEqual(['a/b c.txt', 'a/d&e.json']);
    expect(store.location).toBe('s3://objects/some/prefix');
  });

  it('reports a missing bucket and refuses wrong credentials by name, without the secret', async () => {
    const missing = createS3ObjectStore('s3://nobucket/x', s3.storage.s3);
    await expect(missing.put('k', new Uint8Array(1))).rejects.toThrow(/answered 404 NoSuchBucket/);
    const wrong = createS3ObjectStore('s3://objects/x', {
      ...s3.storage.s3,
      credentials: { ...s3.storage.s3.credentials!, accessKeyId: 'NOT-S3RVER' },
    });
    const error = await wrong.get('k').catch((caught: unknown) => caught as Error);
    expect(String(error)).toMatch(/answered 403/);
    expect(String(error)).not.toContain('S3RVER');
  });
});

describe('loadObjectStorageConfig', () => {
  it('refuses a plain-http endpoint unless allowed, and half a key pair', () => {
    expect(() => loadObjectStorageConfig({ BIOBRIDGE_S3_ENDPOINT: 'http://minio:9000' })).toThrow(
      /BIOBRIDGE_S3_ALLOW_HTTP=true/,
    );
    expect(() => loadObjectStorageConfig({ AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(
      /set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY[\s\S]*at AWS_SECRET_ACCESS_KEY/,
    );
    expect(() => loadObjectStorageConfig({ BIOBRIDGE_INDEX_POLL_MS: '10' })).toThrow(
      /BIOBRIDGE_INDEX_POLL_MS/,
    );
    const config = loadObjectStorageConfig({
      BIOBRIDGE_S3_ENDPOINT: 'http://minio:9000',
      BIOBRIDGE_S3_ALLOW_HTTP: 'true',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'very-secret',
    });
    expect(JSON.stringify(config)).not.toContain('very-secret');
    expect(lanceLocationOf('s3://b-1/p', 'v', config)).toEqual({
      uri: 's3://b-1/p/versions/v/lance',
      storageOptions: {
        aws_region: 'us-east-1',
        aws_endpoint: 'http://minio:9000',
        allow_http: 'true',
        aws_access_key_id: 'AKIA',
        aws_secret_access_key: 'very-secret',
      },
    });
  });
});
