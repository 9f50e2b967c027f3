/**
 * Collects calls that arrive close together and answers them with one batched computation: the
 * first call opens a window (`windowMs` milliseconds, or with 0 the rest of the current event-loop
 * turn), and the batch runs when the window closes or `maxRows` rows are waiting. Each call gets
 * its own slice of the result, or the batch's error.
 *
 * It pays where one run over n rows costs far less than n runs of one row (an ONNX graph at batch
 * 1 spends most of its time outside the arithmetic); with one caller at a time a window only adds
 * latency, so keep it short.
 */
export interface MicroBatcherOptions<Input, Output> {
  windowMs: number;
  /** Rows that close the window early; a single call with more rows runs alone. */
  maxRows: number;
  /** Rows one input contributes (1 by default). */
  rowsOf?: ((input: Input) => number) | undefined;
  /** One output per input, in order. */
  run(inputs: readonly Input[]): Promise<readonly Output[]>;
}

export interface MicroBatcherStats {
  batches: number;
  calls: number;
  rows: number;
}

export interface MicroBatcher<Input, Output> {
  submit(input: Input): Promise<Output>;
  stats(): MicroBatcherStats;
}

interface Waiting<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export function createMicroBatcher<Input, Output>(
  options: MicroBatcherOptions<Input, Output>,
): MicroBatcher<Input, Output> {
  if (!(options.windowMs >= 0)) throw new RangeError(`windowMs must be ≥ 0, got ${options.windowMs}`);
  if (!Number.isInteger(options.maxRows) || options.maxRows < 1)
    throw new RangeError(`maxRows must be a positive integer, got ${options.maxRows}`);
  const rowsOf = options.rowsOf ?? (() => 1);
  const totals: MicroBatcherStats = { batches: 0, calls: 0, rows: 0 };
  let waiting: Waiting<Input, Output>[] = [];
  let waitingRows = 0;
  let cancelWindow: (() => void) | undefined;

  const flush = () => {
    cancelWindow?.();
    cancelWindow = undefined;
    const batch = waiting;
    totals.batches++;
    totals.calls += batch.length;
    totals.rows += waitingRows;
    waiting = [];
    waitingRows = 0;
    options
      .run(batch.map((entry) => entry.input))
      .then(
        (outputs) => {
          if (outputs.length !== batch.length)
            throw new Error(`a batch of ${batch.length} calls gave ${outputs.length} outputs`);
          batch.forEach((entry, position) => entry.resolve(outputs[position]!));
        },
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .catch((error: unknown) => batch.forEach((entry) => entry.reject(error)));
  };

  const openWindow = () => {
    if (options.windowMs === 0) {
      const handle = setImmediate(flush);
      cancelWindow = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(flush, options.windowMs);
      cancelWindow = () => clearTimeout(handle);
    }
  };

  return {
    submit(input) {
      const rows = rowsOf(input);
      // A call that would overflow the batch goes into the next one.
      if (waiting.length > 0 && waitingRows + rows > options.maxRows) flush();
      const result = new Promise<Output>((resolve, reject) => waiting.push({ input, resolve, reject }));
      waitingRows += rows;
      if (waitingRows >= options.maxRows) flush();
      else if (!cancelWindow) openWindow();
      return result;
    },
    stats: () => ({ ...totals }),
  };
}
