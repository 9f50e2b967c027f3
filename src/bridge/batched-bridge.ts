import { createMicroBatcher, type MicroBatcher, type MicroBatcherStats } from '../util/micro-batcher.js';
import { resolveTransformRequest, type Bridge, type TransformInput } from './bridge.js';

export interface TransformBatchingOptions {
  /** See {@link createMicroBatcher}: 0 batches the calls of one event-loop turn. */
  windowMs: number;
  /** Rows per batched run; 1 passes every call straight through. */
  maxRows: number;
}

export interface BatchedBridge extends Bridge {
  /** Batches and rows run so far, over every relation. */
  batchStats(): MicroBatcherStats;
}

/**
 * A bridge whose `transform` calls from concurrent requests share one ONNX run: the transform
 * graph takes one (head type, relation, tail type) per run, so calls are queued per triple, and
 * the rows of a batch are laid end to end and split again afterwards. Every row comes out exactly
 * (bit for bit) as from one unbatched run over many rows, alone or with any company
 * (test/bridge/batched-bridge.test.ts); a plain single-row run differs from it in the last bits.
 */
export function withTransformBatching(bridge: Bridge, options: TransformBatchingOptions): BatchedBridge {
  const width = bridge.metadata.hiddenDim;
  const queues = new Map<string, MicroBatcher<TransformInput, Float32Array>>();
  const queueFor = (input: TransformInput) => {
    const key = `${input.headType}\u0000${input.relation}\u0000${input.tailType}`;
    let queue = queues.get(key);
    if (!queue) {
      queue = createMicroBatcher<TransformInput, Float32Array>({
        windowMs: options.windowMs,
        maxRows: options.maxRows,
        rowsOf: (call) => call.rows,
        run: (calls) => transformTogether(bridge, calls, width),
      });
      queues.set(key, queue);
    }
    return queue;
  };
  return {
    metadata: bridge.metadata,
    project: (type, vectors, rows) => bridge.project(type, vectors, rows),
    async transform(input) {
      if (options.maxRows <= 1 || input.rows >= options.maxRows) return bridge.transform(input);
      // A bad call must fail alone, not the batch it would have joined.
      resolveTransformRequest(bridge.metadata, input);
      return queueFor(input).submit(input);
    },
    dispose: () => bridge.dispose(),
    batchStats: () => {
      const total: MicroBatcherStats = { batches: 0, calls: 0, rows: 0 };
      for (const queue of queues.values()) {
        const stats = queue.stats();
        total.batches += stats.batches;
        total.calls += stats.calls;
        total.rows += stats.rows;
      }
      return total;
    },
  };
}

/**
 * One transform over the calls' rows end to end (they share one triple), split per call. A lone
 * row is run twice over: onnxruntime's MatMul takes another kernel for a single row, whose sums
 * differ in the last bits, and an answer must not depend on what else was running.
 */
async function transformTogether(
  bridge: Bridge,
  calls: readonly TransformInput[],
  width: number,
): Promise<Float32Array[]> {
  const rows = calls.reduce((sum, call) => sum + call.rows, 0);
  const padded = rows === 1 ? [calls[0]!, calls[0]!] : calls;
  const vectors = new Float32Array(padded.reduce((sum, call) => sum + call.vectors.length, 0));
  let offset = 0;
  for (const call of padded) {
    vectors.set(call.vectors.subarray(0, call.vectors.length), offset);
    offset += call.vectors.length;
  }
  const first = calls[0]!;
  const output = await bridge.transform({
    headType: first.headType,
    relation: first.relation,
    tailType: first.tailType,
    vectors,
    rows: padded === calls ? rows : 2,
  });
  let row = 0;
  return calls.map((call) => {
    const slice = output.slice(row * width, (row + call.rows) * width);
    row += call.rows;
    return slice;
  });
}
