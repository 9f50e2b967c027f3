import { describe, expect, it } from 'vitest';
import { createLoadQueue, type LoadQueueOptions } from '../../src/util/load-queue.js';

const tick = () => new Promise((done) => setTimeout(done, 5));

/** A load that resolves (or fails) when the test says so, recording when it began. */
function controlled<T>(name: string, began: string[]) {
  let finish!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    load: () => {
      began.push(name);
      return promise;
    },
    finish: (value: T) => finish(value),
    fail: (error: Error) => fail(error),
  };
}

/** A queue with two controlled parts, `first` and `second`, added in that order. */
function queueOfTwo(options?: LoadQueueOptions) {
  const began: string[] = [];
  const queue = createLoadQueue(options);
  const first = controlled<number>('first', began);
  const second = controlled<number>('second', began);
  const firstPart = queue.add('first', first.load);
  const secondPart = queue.add('second', second.load);
  return { began, queue, first, second, firstPart, secondPart };
}

describe('createLoadQueue', () => {
  it('loads nothing until started, then one part after another in the order added', async () => {
    const { began, queue, first, second, firstPart: a, secondPart: b } = queueOfTwo();
    await tick();
    expect(began).toEqual([]);
    expect(queue.states()).toEqual({ first: 'waiting', second: 'waiting' });
    expect(() => a.value()).toThrow(/first is not loaded yet \(waiting\)/);

    queue.start();
    await tick();
    expect(began).toEqual(['first']);
    first.finish(1);
    await tick();
    expect(began).toEqual(['first', 'second']);
    expect(a.state).toBe('loaded');
    expect(a.value()).toBe(1);
    second.finish(2);
    await queue.all();
    expect(b.value()).toBe(2);
    expect(queue.states()).toEqual({ first: 'loaded', second: 'loaded' });
  });

  it('loads a part at once when a request needs it before the queue reaches it, and only once', async () => {
    const { began, queue, first, second, secondPart: needed } = queueOfTwo();
    const result = needed.get();
    expect(began).toEqual(['second']);
    second.finish(2);
    expect(await result).toBe(2);
    queue.start();
    await tick();
    expect(began).toEqual(['second', 'first']);
    first.finish(1);
    await queue.all();
    expect(began).toEqual(['second', 'first']);
  });

  it('waits for idleness before each part, up to maxIdleWaitMs', async () => {
    const began: string[] = [];
    let busy = true;
    const queue = createLoadQueue({ idle: () => !busy, maxIdleWaitMs: 10_000 });
    const part = controlled<number>('part', began);
    queue.add('part', part.load);
    queue.start();
    await tick();
    await tick();
    expect(began).toEqual([]);
    busy = false;
    await tick();
    await tick();
    expect(began).toEqual(['part']);
    part.finish(1);
    await queue.all();

    const impatient = createLoadQueue({ idle: () => false, maxIdleWaitMs: 20 });
    const late = controlled<number>('late', began);
    impatient.add('late', late.load);
    impatient.start();
    await new Promise((done) => setTimeout(done, 60));
    expect(began).toEqual(['part', 'late']);
    late.finish(1);
  });

  it('starts the background loading startDelayMs after start(), while get() loads at once', async () => {
    const { began, queue, first, second, secondPart: needed } = queueOfTwo({ startDelayMs: 80 });
    queue.start();
    await tick();
    expect(began).toEqual([]);
    void needed.get();
    expect(began).toEqual(['second']);
    await new Promise((done) => setTimeout(done, 120));
    expect(began).toEqual(['second', 'first']);
    first.finish(1);
    second.finish(2);
    await queue.all();
  });

  it('keeps a failure: the part is failed, every caller gets the error, the queue goes on', async () => {
    const began: string[] = [];
    const queue = createLoadQueue();
    const broken = controlled<number>('broken', began);
    const after = controlled<number>('after', began);
    const part = queue.add('broken', broken.load);
    queue.add('after', after.load);
    queue.start();
    await tick();
    broken.fail(new Error('corrupt file'));
    await expect(part.get()).rejects.toThrow('corrupt file');
    expect(part.state).toBe('failed');
    await tick();
    expect(began).toEqual(['broken', 'after']);
    after.finish(1);
    await expect(queue.all()).rejects.toThrow('corrupt file');
    expect(queue.states()).toEqual({ broken: 'failed', after: 'loaded' });
  });

  it('stop() starts no further part and waits for the one loading', async () => {
    const { began, queue, first } = queueOfTwo();
    queue.start();
    await tick();
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false);
    first.finish(1);
    await stopping;
    await tick();
    expect(began).toEqual(['first']);
    expect(queue.states()).toEqual({ first: 'loaded', second: 'waiting' });
  });
});
