import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, type ObjectStorageConfig } from '../../src/config/object-storage.js';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

/** s3rver's fixed development credentials; it checks SigV4 signatures made with them. */
export const S3RVER_KEY = 'S3RVER';

export interface RunningS3rver {
  endpoint: string;
  /** Storage settings for the object store and LanceDB (signed requests, plain http). */
  storage: ObjectStorageConfig;
  /** The same as environment variables, for child processes and the CLI. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A real S3-compatible server (s3rver) on a random port, backed by a temporary directory. */
export async function startS3rver(buckets: string[]): Promise<RunningS3rver> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const directory = await mkdtemp(join(tmpdir(), 'biobridge-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    storage: {
      s3: {
        endpoint,
        region: 'us-east-1',
        allowHttp: true,
        credentials: {
          accessKeyId: S3RVER_KEY,
          secretAccessKey: new Secret(S3RVER_KEY),
          sessionToken: undefined,
        },
      },
      pollIntervalMs: 500,
      cacheDirectory: undefined,
    },
    env: {
      BIOBRIDGE_S3_ENDPOINT: endpoint,
      BIOBRIDGE_S3_ALLOW_HTTP: 'true',
      AWS_ACCESS_KEY_ID: S3RVER_KEY,
      AWS_SECRET_ACCESS_KEY: S3RVER_KEY,
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
