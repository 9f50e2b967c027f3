import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransformBatching } from '../../src/bridge/batched-bridge.js';
import type { Bridge, TransformInput } from '../../src/bridge/bridge.js';
import { loadOnnxBridge } from '../../src/bridge/onnx-bridge.js';
import { AppError } from '../../src/errors.js';
import { mulberry32 } from '../../src/util/random.js';

const demoBridge = join(import.meta.dirname, '..', '..', 'indexes', 'demo', 'bridge');

let bridge: Bridge;
beforeAll(async () => {
  bridge = await loadOnnxBridge(demoBridge);
});
afterAll(async () => {
  await bridge.dispose();
});

/** `count` single-row calls per edge kind of the demo bridge, with sparse random heads. */
function calls(count: number, kinds = 3): TransformInput[] {
  const inputs: TransformInput[] = [];
  for (const kind of bridge.metadata.edgeKinds!.slice(0, kinds)) {
    const dim = bridge.metadata.nodeTypes.find((entry) => entry.name === kind.headType)!.dim;
    const random = mulberry32(dim + inputs.length);
    for (let call = 0; call < count; call++)
      inputs.push({
        headType: kind.headType,
        relation: kind.relation,
        tailType: kind.tailType,
        vectors: Float32Array.from({ length: dim }, () => (random() < 0.2 ? random() : 0)),
        rows: 1,
      });
  }
  return inputs;
}

/** Each call's rows as computed by one unbatched run over every call of its triple together. */
async function inOneRun(inputs: readonly TransformInput[]): Promise<Float32Array[]> {
  const width = bridge.metadata.hiddenDim;
  const byTriple = new Map<string, TransformInput[]>();
  for (const input of inputs) {
    const key = `${input.headType}|${input.relation}|${input.tailType}`;
    byTriple.set(key, [...(byTriple.get(key) ?? []), input]);
  }
  const rowsOf = new Map<TransformInput, Float32Array>();
  for (const group of byTriple.values()) {
    const output = await bridge.transform({
      ...group[0]!,
      vectors: Float32Array.from(group.flatMap((input) => [...input.vectors])),
      rows: group.reduce((sum, input) => sum + input.rows, 0),
    });
    let row = 0;
    for (const input of group) {
      rowsOf.set(input, output.slice(row * width, (row + input.rows) * width));
      row += input.rows;
    }
  }
  return inputs.map((input) => rowsOf.get(input)!);
}

describe('withTransformBatching', () => {
  it.each([0, 1])(
    'gives every concurrent call exactly (bit for bit) what one unbatched run gives it (window %i ms)',
    async (windowMs) => {
      const inputs = calls(6);
      const batched = withTransformBatching(bridge, { windowMs, maxRows: 4 });
      const together = await Promise.all(inputs.map((input) => batched.transform(input)));
      expect(together).toEqual(await inOneRun(inputs));
      // Three triples, six calls each, at most four rows per run: two runs per triple.
      expect(batched.batchStats()).toEqual({ batches: 6, calls: 18, rows: 18 });
    },
  );

  it('answers a lone call exactly as it answers the same call in company', async () => {
    const inputs = calls(5, 1);
    const batched = withTransformBatching(bridge, { windowMs: 0, maxRows: 8 });
    const together = await Promise.all(inputs.map((input) => batched.transform(input)));
    for (const [position, input] of inputs.entries())
      expect(await batched.transform(input)).toEqual(together[position]);
    // A plain single-row run takes another MatMul kernel: close, but not the same bits.
    const plain = await bridge.transform(inputs[0]!);
    expect(Math.max(...plain.map((value, index) => Math.abs(value - together[0]![index]!)))).toBeLessThan(
      1e-5,
    );
  });

  it('keeps multi-row calls whole and in order inside a batch', async () => {
    const [first, second] = calls(2, 1) as [TransformInput, TransformInput];
    const twoRows: TransformInput = {
      ...first,
      vectors: Float32Array.from([...first.vectors, ...second.vectors]),
      rows: 2,
    };
    const batched = withTransformBatching(bridge, { windowMs: 0, maxRows: 8 });
    const [pair, single] = await Promise.all([batched.transform(twoRows), batched.transform(second)]);
    expect([pair, single]).toEqual(await inOneRun([twoRows, second]));
    expect(batched.batchStats()).toMatchObject({ batches: 1, calls: 2, rows: 3 });
  });

  it('fails a malformed call alone; the calls it would have joined still succeed', async () => {
    const [good] = calls(1, 1) as [TransformInput];
    const batched = withTransformBatching(bridge, { windowMs: 0, maxRows: 8 });
    const [bad, fine] = await Promise.allSettled([
      batched.transform({ ...good, vectors: good.vectors.subarray(1) }),
      batched.transform(good),
    ]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    expect(fine).toEqual({ status: 'fulfilled', value: (await inOneRun([good, good]))[0] });
  });

  it('passes calls straight through with maxRows 1', async () => {
    const inputs = calls(3, 1);
    const batched = withTransformBatching(bridge, { windowMs: 2, maxRows: 1 });
    const results = await Promise.all(inputs.map((input) => batched.transform(input)));
    expect(results).toEqual(await Promise.all(inputs.map((input) => bridge.transform(input))));
    expect(batched.batchStats()).toEqual({ batches: 0, calls: 0, rows: 0 });
  });
});
