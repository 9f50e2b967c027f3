import { beforeAll, describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from '../../src/http/concurrency.js';
import { createResponseCache, entityTag, matchesIfNoneMatch } from '../../src/http/response-cache.js';
import { createRetrieveRoutes } from '../../src/http/routes/retrieve.js';
import type { Retriever } from '../../src/retrieval/retriever.js';
import { buildRetrievalWorld, SMILES, type RetrievalWorld } from '../retrieval/retrieval-world.js';
import { buildTestApp, jsonOf, postJson } from './test-app.js';

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

/** The real retriever, counting the requests that reach it. */
function counted(retriever: Retriever): Retriever & { calls: number } {
  const wrapper = Object.create(retriever) as Retriever & { calls: number };
  wrapper.calls = 0;
  wrapper.retrieve = (request, options) => {
    wrapper.calls++;
    return retriever.retrieve(request, options);
  };
  return wrapper;
}

function cachedApp(options: { maxBytes?: number; version?: () => string } = {}) {
  const retriever = counted(world.retriever);
  const responseCache = createResponseCache({
    maxBytes: options.maxBytes ?? 1_000_000,
    version: options.version ?? (() => 'v1'),
  });
  const app = buildTestApp({
    dependencies: {
      features: [
        createRetrieveRoutes({
          retriever,
          inferenceLimiter: createConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 4 }),
          responseCache,
        }),
      ],
    },
  }).app;
  return { app, retriever, responseCache };
}

const plainApp = () => cachedApp({ maxBytes: 0 });
const imatinib = { smiles: SMILES[20]!, targetTypes: ['gene/protein'], method: 'bridge' };

describe('POST /v1/retrieve response cache', () => {
  it('answers a repeated request from the cache with the same bytes an uncached service sends', async () => {
    const { app, retriever } = cachedApp();
    const first = await postJson(app, '/v1/retrieve', imatinib);
    const second = await postJson(app, '/v1/retrieve', imatinib);
    const uncached = await postJson(plainApp().app, '/v1/retrieve', imatinib);
    const [firstText, secondText, uncachedText] = await Promise.all(
      [first, second, uncached].map((response) => response.text()),
    );
    expect(first.status, firstText).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    expect(secondText).toBe(firstText);
    expect(secondText).toBe(uncachedText);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(retriever.calls).toBe(1);
  });

  it('shares one entry between spellings of one request: key order, explicit defaults', async () => {
    const { app, retriever } = cachedApp();
    await postJson(app, '/v1/retrieve', imatinib);
    await postJson(app, '/v1/retrieve', {
      k: 10,
      method: 'bridge',
      targetTypes: ['gene/protein'],
      includeKnown: true,
      smiles: ` ${SMILES[20]!} `,
    });
    expect(retriever.calls).toBe(1);
  });

  it('keys every option that changes the answer: k, method, target types, known results, the query', async () => {
    const { app, retriever } = cachedApp();
    const variants = [
      imatinib,
      { ...imatinib, k: 2 },
      { ...imatinib, method: 'transfer' },
      { ...imatinib, targetTypes: ['disease'] },
      { ...imatinib, includeKnown: false },
      { ...imatinib, smiles: SMILES[21]! },
      { entity: 'Imatinib', targetTypes: ['gene/protein'], method: 'bridge' },
    ];
    const bodies: string[] = [];
    for (const request of variants) {
      const response = await postJson(app, '/v1/retrieve', request);
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(text).toBe(await (await postJson(plainApp().app, '/v1/retrieve', request)).text());
      bodies.push(text);
    }
    expect(retriever.calls).toBe(variants.length);
    expect(new Set(bodies).size).toBe(variants.length);
  });

  it('answers If-None-Match with the current ETag by 304 and no body; another tag gets the answer', async () => {
    const { app, retriever } = cachedApp();
    const first = await postJson(app, '/v1/retrieve', imatinib);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const revalidated = await postJson(app, '/v1/retrieve', imatinib, {
      'if-none-match': `"other", ${etag}`,
    });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect(revalidated.headers.get('etag')).toBe(etag);
    const stale = await postJson(app, '/v1/retrieve', imatinib, { 'if-none-match': '"other"' });
    expect(stale.status).toBe(200);
    expect((await jsonOf(stale)).results.length).toBeGreaterThan(0);
    // A request that was never cached still gets 304 when the tag matches what it computes.
    const fresh = cachedApp().app;
    expect((await postJson(fresh, '/v1/retrieve', imatinib, { 'if-none-match': etag })).status).toBe(304);
    expect(retriever.calls).toBe(1);
  });

  it('drops every entry when the index version changes, and the ETag changes with it', async () => {
    let version = 'index-a';
    const { app, retriever, responseCache } = cachedApp({ version: () => version });
    const before = await postJson(app, '/v1/retrieve', imatinib);
    await postJson(app, '/v1/retrieve', imatinib);
    expect(retriever.calls).toBe(1);
    version = 'index-b';
    const after = await postJson(app, '/v1/retrieve', imatinib);
    expect(retriever.calls).toBe(2);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(
      (await postJson(app, '/v1/retrieve', imatinib, { 'if-none-match': before.headers.get('etag')! }))
        .status,
    ).toBe(200);
    expect(responseCache.stats()).toMatchObject({ entries: 1, hits: 2 });
  });

  it('never caches an error: an invalid SMILES is computed (and refused) every time', async () => {
    const { app, retriever, responseCache } = cachedApp();
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await postJson(app, '/v1/retrieve', {
        smiles: 'C1CC(',
        targetTypes: ['gene/protein'],
      });
      expect(response.status).toBe(422);
      expect(response.headers.get('etag')).toBeNull();
    }
    expect(retriever.calls).toBe(2);
    expect(responseCache.stats().entries).toBe(0);
  });
});

describe('createResponseCache', () => {
  it('evicts the least recently used entries to stay within its byte budget', () => {
    // Each entry: key (1 character) and body (9 characters), 2 bytes per character.
    const cache = createResponseCache({ maxBytes: 60, version: () => 'v' });
    for (const key of ['a', 'b', 'c']) cache.set(key, `${key}`.repeat(9));
    expect(cache.get('a')?.body).toBe('aaaaaaaaa');
    cache.set('d', 'ddddddddd');
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((key) => cache.get(key)?.body.length)).toEqual([9, 9, 9]);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 60 });
    // A body larger than the whole budget is returned with its ETag but not kept.
    expect(cache.set('e', 'x'.repeat(100)).etag).toBe(entityTag('v', 'x'.repeat(100)));
    expect(cache.stats().entries).toBe(3);
  });

  it('tags by version and body, and reads If-None-Match lists, weak tags and *', () => {
    expect(entityTag('v1', 'body')).not.toBe(entityTag('v2', 'body'));
    expect(entityTag('v1', 'body')).not.toBe(entityTag('v1', 'body2'));
    const tag = entityTag('v1', 'body');
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false);
    expect(matchesIfNoneMatch(`"x", W/${tag}`, tag)).toBe(true);
    expect(matchesIfNoneMatch('*', tag)).toBe(true);
    expect(matchesIfNoneMatch('"x"', tag)).toBe(false);
  });

  it('refuses a negative or fractional budget', () => {
    expect(() => createResponseCache({ maxBytes: -1, version: () => 'v' })).toThrow(RangeError);
    expect(() => createResponseCache({ maxBytes: 1.5, version: () => 'v' })).toThrow(RangeError);
  });
});
