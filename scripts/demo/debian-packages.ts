import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../src/errors.js';
import type { Logger } from '../../src/util/logger.js';

/**
 * The Debian packages the demo KG is extracted from, pinned to the bookworm versions whose
 * `.deb` hashes are recorded in data/demo/SOURCES.md. A different file fails the build.
 */
export interface DebianPackage {
  name: string;
  version: string;
  sha256: string;
}

export const DEMO_PACKAGES = {
  goDb: {
    name: 'r-bioc-go.db',
    version: '3.16.0-1',
    sha256: '6cf9c43b97212811ecb7ad0d7cde12e76f984ab7494a59c02455239a9dd3243d',
  },
  orgHsEgDb: {
    name: 'r-bioc-org.hs.eg.db',
    version: '3.16.0-1',
    sha256: '0f61810d35b858915b1a9787d8dcab08b7e164c14c20a9e1d86eb9837308c2c2',
  },
  metastudentData: {
    name: 'metastudent-data',
    version: '2.0.1-8',
    sha256: '020ed0c560a5ba96f39c434399b3ecf0fa790a4776c4aac24458f837969ae54b',
  },
} as const satisfies Record<string, DebianPackage>;

/** Files inside the unpacked packages. */
export const GO_SQLITE = 'usr/lib/R/site-library/GO.db/extdata/GO.sqlite';
export const ORG_HS_EG_SQLITE = 'usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite';
export const METASTUDENT_DATASET = 'usr/share/metastudent-data/dataset_201401';

/** Command-line tools the recipe shells out to, with the Debian package providing each. */
export const REQUIRED_TOOLS = [
  { command: 'apt-get', debianPackage: 'apt' },
  { command: 'dpkg-deb', debianPackage: 'dpkg' },
  { command: 'sqlite3', debianPackage: 'sqlite3' },
  { command: 'blastdbcmd', debianPackage: 'ncbi-blast+' },
] as const;

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; rejects with the command line and its stderr on a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (cause) =>
      reject(
        new AppError({ code: 'UNAVAILABLE', message: `cannot run ${command}`, cause, details: { command } }),
      ),
    );
    child.on('close', (code) => {
      const result = {
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (code === 0) resolvePromise(result);
      else
        reject(
          new AppError({
            code: 'INTERNAL',
            message: `${command} ${args.join(' ')} exited with ${code}: ${result.stderr.trim().slice(0, 2000)}`,
            details: { command, args, exitCode: code },
          }),
        );
    });
    if (options.input !== undefined && child.stdin !== null) {
      // A child that exits without reading its input would otherwise crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

async function commandExists(command: string): Promise<boolean> {
  try {
    await runCommand('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** Fails with one message naming every missing tool and the apt-get line that installs them. */
export async function checkRequiredTools(): Promise<void> {
  const missing: (typeof REQUIRED_TOOLS)[number][] = [];
  for (const tool of REQUIRED_TOOLS) if (!(await commandExists(tool.command))) missing.push(tool);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))].join(' ');
  throw new AppError({
    code: 'UNAVAILABLE',
    message:
      `missing tools: ${missing.map((tool) => tool.command).join(', ')}. ` +
      `Install them with: apt-get update && apt-get install -y ${packages}`,
    details: { missing: missing.map((tool) => tool.command) },
  });
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function debFileName(pkg: DebianPackage): string {
  return `${pkg.name}_${pkg.version}_all.deb`;
}

export interface FetchedPackage {
  pkg: DebianPackage;
  debPath: string;
  /** Root of the unpacked package (`dpkg-deb -x`). */
  root: string;
}

/**
 * Downloads `pkg` into `cacheDirectory/debs` with `apt-get download` (unless a file with the
 * pinned hash is already there), checks its SHA-256 and unpacks it once into
 * `cacheDirectory/unpacked/<name>`.
 */
export async function fetchDebianPackage(
  pkg: DebianPackage,
  cacheDirectory: string,
  logger: Logger,
): Promise<FetchedPackage> {
  const debDirectory = join(cacheDirectory, 'debs');
  await mkdir(debDirectory, { recursive: true });
  const debPath = join(debDirectory, debFileName(pkg));
  if (!(await exists(debPath)) || (await sha256File(debPath)) !== pkg.sha256) {
    logger.info('downloading Debian package', { package: pkg.name, version: pkg.version });
    await rm(debPath, { force: true });
    try {
      await runCommand('apt-get', ['download', `${pkg.name}=${pkg.version}`], { cwd: debDirectory });
    } catch (cause) {
      throw new AppError({
        code: 'UNAVAILABLE',
        message: `apt-get download ${pkg.name}=${pkg.version} failed; run 'apt-get update' first (Debian bookworm sources are needed)`,
        cause,
        details: { package: pkg.name, version: pkg.version },
      });
    }
  }
  const digest = await sha256File(debPath);
  if (digest !== pkg.sha256)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${debPath}: SHA-256 ${digest} is not the pinned ${pkg.sha256}`,
      details: { file: debPath, expected: pkg.sha256, actual: digest },
    });
  logger.info('verified Debian package', { package: pkg.name, sha256: digest });

  const root = join(cacheDirectory, 'unpacked', pkg.name);
  // The marker holds the hash it was unpacked from, so a changed pin re-extracts.
  const marker = join(root, '.unpacked-from');
  const markerText = `${pkg.sha256}\n`;
  const current = (await exists(marker)) ? await readFile(marker, 'utf8') : '';
  if (current !== markerText) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    logger.info('unpacking Debian package', { package: pkg.name });
    await runCommand('dpkg-deb', ['-x', debPath, root]);
    await writeFile(marker, markerText);
  }
  return { pkg, debPath, root };
}

/**
 * Makes the cache directory ignore itself in git (a `.gitignore` holding `*`), so the
 * ~1 GB of packages never shows up as untracked files whatever the repository's ignore rules.
 */
export async function prepareCacheDirectory(cacheDirectory: string): Promise<void> {
  await mkdir(cacheDirectory, { recursive: true });
  const ignoreFile = join(cacheDirectory, '.gitignore');
  if (!(await exists(ignoreFile))) await writeFile(ignoreFile, '*\n');
}
