import { spawn } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBridgeMetadata } from '../../src/bridge/onnx-bridge.js';
import { AppError } from '../../src/errors.js';
import { buildIndex } from '../../src/indexing/build-index.js';
import { bridgeIncompatibility } from '../../src/indexing/carry-bridge.js';
import { inspectOutput, removeStaleBuilds } from '../../src/indexing/index-location.js';
import { readManifest } from '../../src/indexing/manifest.js';
import { openIndex } from '../../src/indexing/open-index.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { TINY_ENCODERS, writeTinyEncoderConfig, writeTinyIndexKg } from './tiny-index.js';
import { cli } from '../helpers/run-cli.js';
import { snapshotDirectory } from '../helpers/directory-snapshot.js';
import { mulberry32 } from '../../src/util/random.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(REPO, 'bin', 'biobridge.js');

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let kg: string;
let encoders: string;

beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-location-');
  kg = join(root.path, 'kg');
  await writeTinyIndexKg(kg);
  encoders = await writeTinyEncoderConfig(join(root.path, 'encoders.json'));
});
afterAll(async () => {
  await root?.cleanup();
});

const build = (out: string) =>
  buildIndex({ kgDirectory: kg, outDirectory: out, encoders: TINY_ENCODERS, progress: false });

/** Sibling entries that belong to `out` (its versions, staging, links), `out` itself excluded. */
async function siblingsOf(out: string): Promise<string[]> {
  const base = out.slice(out.lastIndexOf('/') + 1);
  return (await readdir(join(out, '..'))).filter((name) => name.startsWith(`.${base}.`)).sort();
}

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

describe('ingest --out guard: never replaces what it did not write', () => {
  it('refuses a plain file, before any work, and leaves it as it was', async () => {
    const out = join(root.path, 'notes.txt');
    await writeFile(out, 'my data\n');
    const run = await cli(['ingest', kg, '--out', out, '--encoders', encoders, '-q']);
    expect(run.code, run.stderr).not.toBe(0);
    expect(run.stderr).toContain(`--out ${out}: refusing to replace it: it is a file`);
    expect(await readFile(out, 'utf8')).toBe('my data\n');
    expect(await siblingsOf(out)).toEqual([]);
  });

  it('refuses a foreign directory and a directory whose manifest.json is not an index', async () => {
    const foreign = join(root.path, 'photos');
    await mkdir(join(foreign, '2024'), { recursive: true });
    await writeFile(join(foreign, '2024', 'a.jpg'), 'jpeg');
    const lookalike = join(root.path, 'lookalike');
    await mkdir(lookalike);
    await writeFile(join(lookalike, 'manifest.json'), '{"name":"web app"}');
    for (const out of [foreign, lookalike]) {
      const before = await snapshotDirectory(out);
      const failure = await build(out).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).message).toMatch(
        /refusing to replace it: it is a non-empty directory \(\d+ entries\) without a biobridge index manifest/,
      );
      expect(await snapshotDirectory(out)).toEqual(before);
    }
  });

  it('refuses a link to something that is not an index', async () => {
    const target = join(root.path, 'elsewhere');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'x');
    const out = join(root.path, 'link-out');
    await symlink(target, out);
    await expect(build(out)).rejects.toThrow(/symbolic link to something that is not a biobridge index/);
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('x');
  });

  it('accepts an absent path and an empty directory, and publishes a linked version', async () => {
    for (const name of ['fresh', 'empty']) {
      const out = join(root.path, name);
      if (name === 'empty') await mkdir(out);
      expect((await inspectOutput(out)).kind).toBe(name === 'empty' ? 'empty-directory' : 'absent');
      await build(out);
      expect((await lstat(out)).isSymbolicLink()).toBe(true);
      expect(await siblingsOf(out)).toEqual([await readlink(out)]);
      expect((await readManifest(out)).name).toBe(name);
    }
  });

  it('replaces an index written before versions existed (a real directory) and one it linked', async () => {
    const out = join(root.path, 'legacy');
    await build(join(root.path, 'legacy-build'));
    // a pre-version index: a real directory with the index files in it
    await rename(join(root.path, await readlink(join(root.path, 'legacy-build'))), out);
    expect((await inspectOutput(out)).kind).toBe('index');
    await build(out);
    const first = await readlink(out);
    expect(await siblingsOf(out)).toEqual([first]);
    await build(out);
    const second = await readlink(out);
    expect(second).not.toBe(first);
    expect(await siblingsOf(out)).toEqual([second]);
    const index = await openIndex(out);
    try {
      expect(index.graph.edgeCount).toBeGreaterThan(0);
    } finally {
      await index.close();
    }
  });
});

describe("buildIndex inPlace (inside the caller's own staging directory)", () => {
  it('writes a real directory and refuses to build over an index', async () => {
    const out = join(root.path, 'in-place');
    await buildIndex({
      kgDirectory: kg,
      outDirectory: out,
      encoders: TINY_ENCODERS,
      progress: false,
      inPlace: true,
    });
    expect((await lstat(out)).isDirectory()).toBe(true);
    expect(await siblingsOf(out)).toEqual([]);
    const before = await snapshotDirectory(out);
    await expect(
      buildIndex({
        kgDirectory: kg,
        outDirectory: out,
        encoders: TINY_ENCODERS,
        progress: false,
        inPlace: true,
      }),
    ).rejects.toThrow(/an in-place build needs an absent path or an empty directory/);
    expect(await snapshotDirectory(out)).toEqual(before);
  });
});

describe('ingest: leftovers of killed builds', () => {
  it('removes staging and version directories of dead processes, keeps the live version and live builds', async () => {
    const out = join(root.path, 'stale');
    await build(out);
    const live = await readlink(out);
    const dead = await deadPid();
    const leftovers = [
      `.stale.tmp-${dead}-0badf00d`,
      `.stale.v-${dead}-0badf00d`,
      '.stale.old-12345678',
      '.stale.tmp-abcdef01',
    ];
    const running = `.stale.tmp-${process.pid}-cafebabe`;
    for (const name of [...leftovers, running])
      await mkdir(join(root.path, name, 'lance'), { recursive: true });
    await symlink('nowhere', join(root.path, `.stale.link-${dead}-0badf00d`));
    // not ours: a similar name that is not one of the patterns
    await mkdir(join(root.path, '.stale.backup'));
    expect((await removeStaleBuilds(out)).sort()).toEqual(
      [...leftovers, `.stale.link-${dead}-0badf00d`].sort(),
    );
    expect(await siblingsOf(out)).toEqual([running, '.stale.backup', live].sort());
  });

  it('relinks the old index when a kill struck between moving a pre-version index aside and linking', async () => {
    const out = join(root.path, 'moved');
    await build(out);
    const before = await snapshotDirectory(out);
    const version = await readlink(out);
    const dead = await deadPid();
    const aside = `.moved.v-${dead}-1234abcd`;
    await rename(join(root.path, version), join(root.path, aside));
    await rename(out, join(root.path, 'moved-link-gone'));
    await removeStaleBuilds(out);
    expect(await readlink(out)).toBe(aside);
    expect(await snapshotDirectory(out)).toEqual(before);
  });
});

describe('ingest: the trained bridge', () => {
  it('is compatible with the index it was trained on and names why not otherwise', async () => {
    const demo = join(REPO, 'indexes', 'demo');
    const metadata = await readBridgeMetadata(join(demo, 'bridge'));
    const manifest = await readManifest(demo);
    expect(bridgeIncompatibility(metadata, manifest)).toBeUndefined();
    const [type] = metadata.nodeTypes;
    const otherEncoder = structuredClone(manifest);
    otherEncoder.encoders[type!.name]!.configHash = 'f'.repeat(64);
    expect(bridgeIncompatibility(metadata, otherEncoder)).toBe(
      `${type!.name} is now encoded by encoder ffffffffffff, but the bridge was trained on ${type!.encoderConfigHash!.slice(0, 12)}`,
    );
    const otherRegistry = structuredClone(manifest);
    otherRegistry.registry.relations = [...otherRegistry.registry.relations, 'new_relation'];
    expect(bridgeIncompatibility(metadata, otherRegistry)).toMatch(/other node types or relations/);
    const unencoded = structuredClone(manifest);
    delete unencoded.encoders[type!.name];
    expect(bridgeIncompatibility(metadata, unencoded)).toBe(
      `the new index does not encode ${type!.name}, which the bridge was trained on`,
    );
  });

  it('is dropped with a reason when the previous bridge does not fit the new encoders', async () => {
    const out = join(root.path, 'with-bridge');
    await build(out);
    await mkdir(join(out, 'bridge'));
    await writeFile(
      join(out, 'bridge', 'bridge.json'),
      await readFile(join(REPO, 'indexes', 'demo', 'bridge', 'bridge.json')),
    );
    const result = await build(out);
    expect(result.bridge).toEqual({
      kept: false,
      reason: expect.stringMatching(/retrain with `biobridge train`$/),
    });
  });
});

describe('ingest: kill -9 at random points', () => {
  // mulberry32: a failing kill point can be replayed from its seed.

  function runIngest(
    out: string,
    killAfterMs?: number,
  ): Promise<{ code: number | null; signal: string | null; ms: number }> {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'ingest', kg, '--out', out, '--encoders', encoders, '-q'], {
      cwd: REPO,
      env: { ...process.env, BIOBRIDGE_FROM_SOURCE: '1' },
      stdio: 'ignore',
    });
    if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    return new Promise((done) =>
      child.on('exit', (code, signal) => done({ code, signal, ms: Date.now() - started })),
    );
  }

  it('keeps the old index byte-identical, and the next run leaves nothing behind', async () => {
    const out = join(root.path, 'killed');
    const first = await runIngest(out);
    expect(first.code).toBe(0);
    let before = await snapshotDirectory(out);
    let live = await readlink(out);
    const random = mulberry32(15);
    let killed = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      const run = await runIngest(out, Math.round(random() * first.ms));
      if (run.signal === 'SIGKILL') killed++;
      // Until the link is swapped P names the old index, byte for byte; after it, the complete new one.
      if ((await readlink(out)) === live) expect(await snapshotDirectory(out)).toEqual(before);
      else {
        live = await readlink(out);
        before = await snapshotDirectory(out);
      }
      const index = await openIndex(out);
      await index.close();
    }
    expect(killed).toBeGreaterThan(0);
    const last = await runIngest(out);
    expect(last.code).toBe(0);
    expect(await siblingsOf(out)).toEqual([await readlink(out)]);
  }, 120_000);
});
