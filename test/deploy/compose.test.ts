import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '../../src/config/index.js';
import { isRemoteIndexLocation } from '../../src/indexing/remote-index.js';

/**
 * No Docker engine runs here, so the deployment files are checked for what would break them:
 * YAML structure, references between services, settings the service would refuse, and files the
 * image needs at run time.
 */
interface ComposeService {
  build?: string;
  image?: string;
  deploy?: { replicas?: number };
  depends_on?: string[] | Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  configs?: { source: string; target: string }[];
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { content: string }>;
}

const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as ComposeFile;
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** Compose's interpolation with the defaults filled in and required values given. */
function interpolate(value: string): string {
  return value
    .replace(/\$\{(\w+):-([^}]*)\}/g, (_, __, fallback: string) => fallback)
    .replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => `test-${name.toLowerCase()}`)
    .replace(/\$\$/g, '$');
}

describe('compose.yaml', () => {
  const { services } = compose;

  it('runs two replicas of the image behind a load balancer that proxies to them', () => {
    expect(services.api?.build).toBe('.');
    expect(services.api?.deploy?.replicas).toBe(2);
    expect(services.api?.volumes, 'replicas are stateless').toBeUndefined();
    const nginx = compose.configs?.[services.lb!.configs![0]!.source]?.content ?? '';
    expect(nginx).toMatch(/server api:8787/);
    expect(nginx).toMatch(/proxy_pass http:\/\/biobridge;/);
    expect(nginx).toMatch(/proxy_buffering off/);
  });

  it('reads the index from the object-storage service, with settings the service accepts', () => {
    const env = Object.fromEntries(
      Object.entries(services.api!.environment!).map(([key, value]) => [key, interpolate(String(value))]),
    );
    const known = new Set(Object.keys(envSchema.shape));
    expect(Object.keys(env).filter((key) => !known.has(key))).toEqual([]);
    const config = loadConfig(env);
    expect(isRemoteIndexLocation(config.indexPath)).toBe(true);
    expect(config.indexPath).toMatch(/^s3:\/\/biobridge\//);
    expect(new URL(config.storage.s3.endpoint!).hostname).toBe('minio');
    expect(config.storage.s3.credentials?.accessKeyId).toBeTruthy();
    expect(services.minio?.image).toMatch(/^minio\/minio:/);
  });

  it('names only services, volumes and configs it defines', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependencies = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies)
        expect(services, `${name} depends on ${dependency}`).toHaveProperty(dependency);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!/^[.$/]/.test(source))
          expect(compose.volumes, `${name} mounts ${source}`).toHaveProperty(source);
      }
      for (const config of service.configs ?? []) expect(compose.configs).toHaveProperty(config.source);
    }
  });

  it('has a writer that publishes with the same storage settings as the replicas', () => {
    const writer = services.writer!;
    expect(writer.profiles).toEqual(['tools']);
    for (const key of ['BIOBRIDGE_S3_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
      expect(writer.environment?.[key]).toBe(services.api!.environment?.[key]);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, runs as an unprivileged user and has a health check on the liveness route', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
  });

  it('copies files that exist, including what the service reads at run time', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(?:--chown=\S+ )?(.+) \S+$/gm)].flatMap(
      (match) => match[1]!.split(' '),
    );
    for (const source of sources) expect(existsSync(source), `COPY ${source}`).toBe(true);
    // Read relative to dist/ at run time: prompts, structural alerts, the web UI.
    for (const needed of ['prompts', 'data/chem', 'web']) expect(sources).toContain(needed);
  });
});
