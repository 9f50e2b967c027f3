import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStorageConfig } from '../config/object-storage.js';
import { AppError } from '../errors.js';
import { joinKey, type ObjectStore } from './object-store.js';
import { encodeRfc3986, signRequest } from './sigv4.js';

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slashes ('' for the bucket's root). */
  prefix: string;
}

/** `s3://bucket/some/prefix` → bucket and prefix; a clear error for anything else. */
export function parseS3Location(uri: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `${uri} is not an S3 location: expected s3://<bucket>/<prefix> with a lower-case bucket name`,
    });
  return { bucket: match[1]!, prefix: joinKey(match[2] ?? '') };
}

export interface S3ObjectStoreOptions {
  /** Tries per request for throttling, 5xx and network errors (default 3), with doubling backoff. */
  maxAttempts?: number | undefined;
  /** Per-request deadline (default 120 s: an encoder file can be a few hundred MB). */
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * An {@link ObjectStore} over the S3 REST API (AWS, MinIO, R2, s3rver): path-style URLs, SigV4
 * signed when credentials are configured, unsigned otherwise. No SDK: the service needs four calls.
 */
export function createS3ObjectStore(
  uri: string,
  settings: ObjectStorageConfig['s3'],
  options: S3ObjectStoreOptions = {},
): ObjectStore {
  const { bucket, prefix } = parseS3Location(uri);
  const location = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  const send = createS3Sender(bucket, settings, options);
  const check = (response: Response, what: string) => checkResponse(response, what, location);

  return {
    location,
    async get(key, getOptions) {
      const full = joinKey(prefix, key);
      const response = await send('GET', full, {}, undefined, getOptions?.signal);
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      await check(response, `GET s3://${bucket}/${full}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    async put(key, body) {
      const full = joinKey(prefix, key);
      const response = await check(await send('PUT', full, {}, body), `PUT s3://${bucket}/${full}`);
      await response.body?.cancel();
    },
    async list(under) {
      const listPrefix = joinKey(prefix, under);
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const query: Record<string, string> = {
          'list-type': '2',
          prefix: listPrefix ? `${listPrefix}/` : '',
        };
        if (token) query['continuation-token'] = token;
        const response = await check(await send('GET', undefined, query), `LIST ${location}/${under}`);
        const page = parseListPage(await response.text());
        for (const key of page.keys) keys.push(prefix ? key.slice(prefix.length + 1) : key);
        token = page.nextToken;
      } while (token);
      return keys;
    },
  };
}

type S3Send = (
  method: 'GET' | 'PUT',
  key: string | undefined,
  query?: Record<string, string>,
  body?: Uint8Array,
  signal?: AbortSignal,
) => Promise<Response>;

/** The endpoint's base URL; plain http only where configured, since credentials would travel in clear. */
function resolveEndpoint(settings: ObjectStorageConfig['s3']): string {
  const endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`);
  if (endpoint.protocol === 'http:' && !settings.allowHttp)
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `S3 endpoint ${endpoint.origin} is plain http: set BIOBRIDGE_S3_ALLOW_HTTP=true to allow it`,
    });
  return endpoint.href.replace(/\/$/, '');
}

/**
 * One signed request with retries: throttling, 5xx and network errors are tried again with doubling
 * backoff; any other answer (404 included) goes back to the caller to judge.
 */
function createS3Sender(
  bucket: string,
  settings: ObjectStorageConfig['s3'],
  options: S3ObjectStoreOptions,
): S3Send {
  const base = resolveEndpoint(settings);
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const fetchImpl = options.fetch ?? fetch;

  return async function send(method, key, query = {}, body, signal) {
    const path = `/${bucket}${key === undefined ? '' : `/${encodeRfc3986(key, true)}`}`;
    const url = new URL(base + path);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const what = `${method} s3://${bucket}/${key ?? `?${url.searchParams.toString()}`}`;
    for (let attempt = 1; ; attempt++) {
      const headers = settings.credentials
        ? signRequest({ method, url, headers: {}, body }, settings.credentials, settings.region)
        : {};
      let response: Response | undefined;
      let failure: unknown;
      try {
        const deadline = AbortSignal.timeout(timeoutMs);
        response = await fetchImpl(url, {
          method,
          headers,
          body: body ?? null,
          signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        failure = error;
      }
      const retryable =
        !response || response.status === 429 || response.status === 503 || response.status >= 500;
      if (response && !retryable) return response;
      if (attempt >= maxAttempts) {
        const detail = response ? `${response.status} ${await errorCode(response)}` : String(failure);
        throw new AppError({
          code: 'UPSTREAM',
          message: `object storage: ${what} failed after ${attempt} tries: ${detail}`,
          retryable: true,
          cause: failure,
        });
      }
      await response?.body?.cancel();
      await sleep(200 * 2 ** (attempt - 1));
    }
  };
}

/** A non-2xx answer as a typed error: refused credentials read as UNAVAILABLE, the rest as UPSTREAM. */
async function checkResponse(response: Response, what: string, location: string): Promise<Response> {
  if (response.ok) return response;
  const status = response.status;
  throw new AppError({
    code: status === 401 || status === 403 ? 'UNAVAILABLE' : 'UPSTREAM',
    message: `object storage: ${what} answered ${status} ${await errorCode(response)}`,
    details: { location, status },
  });
}

const xmlEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string) =>
  text.replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return xmlEntities[entity] ?? whole;
  });

/** The keys and continuation token of one ListObjectsV2 page. */
export function parseListPage(xml: string): { keys: string[]; nextToken: string | undefined } {
  const keys = [...xml.matchAll(/<Contents>[\s\S]*?<Key>([\s\S]*?)<\/Key>[\s\S]*?<\/Contents>/g)].map(
    (match) => unescapeXml(match[1]!),
  );
  const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
  const token = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1];
  return { keys, nextToken: truncated && token ? unescapeXml(token) : undefined };
}

/** S3's error `<Code>` (AccessDenied, NoSuchBucket…): enough to act on, with no request detail. */
async function errorCode(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? response.statusText;
}
