import { describe, expect, it } from 'vitest';
import { createMicroBatcher } from '../../src/util/micro-batcher.js';

/** A batcher that doubles numbers and records the batches it ran. */
function doubler(windowMs: number, maxRows: number) {
  const runs: number[][] = [];
  const batcher = createMicroBatcher<number, number>({
    windowMs,
    maxRows,
    run: async (inputs) => {
      runs.push([...inputs]);
      return inputs.map((input) => input * 2);
    },
  });
  return { batcher, runs };
}

describe('createMicroBatcher', () => {
  it('runs the calls of one event-loop turn together with window 0, in order', async () => {
    const { batcher, runs } = doubler(0, 100);
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
    expect(batcher.stats()).toEqual({ batches: 1, calls: 3, rows: 3 });
  });

  it('waits up to the window for later calls, and runs at once when maxRows are waiting', async () => {
    const { batcher, runs } = doubler(20, 3);
    const early = batcher.submit(1);
    await new Promise((done) => setTimeout(done, 5));
    const later = [batcher.submit(2), batcher.submit(3), batcher.submit(4)];
    expect(await Promise.all([early, ...later])).toEqual([2, 4, 6, 8]);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('starts a new batch rather than overflow maxRows with a multi-row call', async () => {
    const runs: number[][] = [];
    const batcher = createMicroBatcher<number, number>({
      windowMs: 0,
      maxRows: 4,
      rowsOf: (rows) => rows,
      run: async (inputs) => {
        runs.push([...inputs]);
        return inputs;
      },
    });
    await Promise.all([3, 2, 1].map((rows) => batcher.submit(rows)));
    expect(runs).toEqual([[3], [2, 1]]);
  });

  it("rejects every call of a failed batch with the batch's error, and later batches still run", async () => {
    let fail = true;
    const batcher = createMicroBatcher<number, number>({
      windowMs: 0,
      maxRows: 8,
      run: async (inputs) => {
        if (fail) throw new Error('onnx failed');
        return inputs;
      },
    });
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.submit(3)).toBe(3);
  });

  it('rejects a run that returns the wrong number of outputs', async () => {
    const batcher = createMicroBatcher<number, number>({ windowMs: 0, maxRows: 8, run: async () => [1] });
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow(
      'a batch of 2 calls gave 1 outputs',
    );
  });

  it('refuses a negative window and a maxRows below 1', () => {
    expect(() => doubler(-1, 4)).toThrow(RangeError);
    expect(() => doubler(0, 0)).toThrow(RangeError);
  });
});
