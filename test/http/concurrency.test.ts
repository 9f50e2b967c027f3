import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from '../../src/http/concurrency.js';
import { rejection } from '../helpers/expect-app-error.js';

describe('createConcurrencyLimiter', () => {
  it('runs up to maxConcurrent, queues FIFO, refuses beyond the queue', async () => {
    const limiter = createConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 2, retryAfterSeconds: 3 });
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const order: string[] = [];
    const third = limiter.acquire().then((release) => (order.push('third'), release));
    const fourth = limiter.acquire().then((release) => (order.push('fourth'), release));
    expect([limiter.active, limiter.queued]).toEqual([2, 2]);

    const refused = await rejection(limiter.acquire());
    expect(refused).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      details: { retryAfterSeconds: 3 },
    });

    first();
    first(); // a second call must not free another slot
    const releaseThird = await third;
    expect([limiter.active, limiter.queued]).toEqual([2, 1]);
    second();
    (await fourth)();
    releaseThird();
    expect(order).toEqual(['third', 'fourth']);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('an aborted waiter leaves the queue with the abort reason', async () => {
    const limiter = createConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(limiter.queued).toBe(0);
    held();
    expect(limiter.active).toBe(0);
  });

  it('run releases after success and failure', async () => {
    const limiter = createConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 0 });
    expect(await limiter.run(async () => 42)).toBe(42);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.active).toBe(0);
  });

  it('rejects invalid limits', () => {
    expect(() => createConcurrencyLimiter({ maxConcurrent: 0, maxQueued: 0 })).toThrow(
      'maxConcurrent must be a positive integer, got 0',
    );
  });
});
