import { inspect } from 'node:util';
import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * A credential that never reaches a log line: JSON, `util.inspect` and string conversion show
 * `[redacted]`; only {@link Secret.reveal} gives the value (to the request signer).
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .default('false')
  .transform((value) => ['true', '1', 'yes'].includes(value));

/** Settings for indexes in object storage (`s3://bucket/prefix`); every default is here. */
export const objectStorageEnvSchema = z.object({
  /** S3-compatible endpoint (MinIO, s3rver, R2…); unset: AWS `https://s3.<region>.amazonaws.com`. */
  BIOBRIDGE_S3_ENDPOINT: optionalString.pipe(
    z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  ),
  BIOBRIDGE_S3_REGION: z.string().trim().min(1).default('us-east-1'),
  /** Plain-http endpoints are refused unless this is true (local MinIO, tests). */
  BIOBRIDGE_S3_ALLOW_HTTP: flag,
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
  AWS_SESSION_TOKEN: optionalString,
  /** How often a replica reads the index's `CURRENT` pointer to pick up a new version. */
  BIOBRIDGE_INDEX_POLL_MS: z.coerce.number().int().min(100).max(86_400_000).default(15_000),
  /** Where remote index versions are downloaded (manifest, graph, encoders, bridge, lookup). */
  BIOBRIDGE_INDEX_CACHE: optionalString,
});

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: Secret;
  sessionToken: Secret | undefined;
}

export interface ObjectStorageConfig {
  s3: {
    endpoint: string | undefined;
    region: string;
    allowHttp: boolean;
    /** Unset: requests go unsigned (public buckets, s3rver). */
    credentials: S3Credentials | undefined;
  };
  pollIntervalMs: number;
  /** Unset: a `biobridge-index-cache` folder in the system's temporary directory. */
  cacheDirectory: string | undefined;
}

type ObjectStorageEnv = z.infer<typeof objectStorageEnvSchema>;

/** Cross-field checks, reported with the other setting errors by the caller's schema. */
export function refineObjectStorage(env: ObjectStorageEnv, context: z.core.$RefinementCtx): void {
  if (env.BIOBRIDGE_S3_ENDPOINT?.startsWith('http:') && !env.BIOBRIDGE_S3_ALLOW_HTTP)
    context.addIssue({
      code: 'custom',
      path: ['BIOBRIDGE_S3_ENDPOINT'],
      message:
        'a plain-http endpoint sends credentials unencrypted: set BIOBRIDGE_S3_ALLOW_HTTP=true to allow it',
    });
  if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY))
    context.addIssue({
      code: 'custom',
      path: [env.AWS_ACCESS_KEY_ID ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'],
      message: 'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither',
    });
}

export function toObjectStorageConfig(env: ObjectStorageEnv): ObjectStorageConfig {
  return {
    s3: {
      endpoint: env.BIOBRIDGE_S3_ENDPOINT,
      region: env.BIOBRIDGE_S3_REGION,
      allowHttp: env.BIOBRIDGE_S3_ALLOW_HTTP,
      credentials:
        env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
          ? {
              accessKeyId: env.AWS_ACCESS_KEY_ID,
              secretAccessKey: new Secret(env.AWS_SECRET_ACCESS_KEY),
              sessionToken: env.AWS_SESSION_TOKEN ? new Secret(env.AWS_SESSION_TOKEN) : undefined,
            }
          : undefined,
    },
    pollIntervalMs: env.BIOBRIDGE_INDEX_POLL_MS,
    cacheDirectory: env.BIOBRIDGE_INDEX_CACHE,
  };
}

/**
 * The object-storage settings alone, for CLI commands that write or read a remote index without
 * the server's other settings (`ingest --out s3://…`, `publish`). Blank values mean unset.
 */
export function loadObjectStorageConfig(env: Record<string, string | undefined>): ObjectStorageConfig {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value.trim() !== '') present[key] = value;
  const parsed = objectStorageEnvSchema.superRefine(refineObjectStorage).safeParse(present);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `invalid object-storage configuration:\n${z.prettifyError(parsed.error)}`,
    });
  return toObjectStorageConfig(parsed.data);
}
