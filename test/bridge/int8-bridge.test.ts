import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOnnxBridge } from '../../src/bridge/onnx-bridge.js';
import { AppError } from '../../src/errors.js';
import { mulberry32 } from '../../src/util/random.js';

const demoBridge = join(import.meta.dirname, '..', '..', 'indexes', 'demo', 'bridge');
const fixtureBridge = join(import.meta.dirname, '..', 'fixtures', 'bridge');

describe('int8 bridge (onnx.transformInt8)', () => {
  it('transforms like the fp32 graph: every row within cosine 0.99 on the demo bridge', async () => {
    const fp32 = await loadOnnxBridge(demoBridge);
    const int8 = await loadOnnxBridge(demoBridge, { precision: 'int8' });
    try {
      expect(fp32.metadata.onnx.transformInt8?.file).toBe('transform.int8.onnx');
      const hidden = fp32.metadata.hiddenDim;
      for (const kind of fp32.metadata.edgeKinds!.slice(0, 4)) {
        const dim = fp32.metadata.nodeTypes.find((entry) => entry.name === kind.headType)!.dim;
        const random = mulberry32(dim);
        const rows = 16;
        const vectors = Float32Array.from({ length: rows * dim }, () => (random() < 0.2 ? random() : 0));
        const input = {
          headType: kind.headType,
          relation: kind.relation,
          tailType: kind.tailType,
          vectors,
          rows,
        };
        const [exact, quantized] = [await fp32.transform(input), await int8.transform(input)];
        for (let row = 0; row < rows; row++) {
          const a = exact.subarray(row * hidden, (row + 1) * hidden);
          const b = quantized.subarray(row * hidden, (row + 1) * hidden);
          const dot = a.reduce((sum, value, index) => sum + value * b[index]!, 0);
          const norm = Math.hypot(...a) * Math.hypot(...b);
          expect(dot / norm).toBeGreaterThan(0.99);
        }
      }
    } finally {
      await fp32.dispose();
      await int8.dispose();
    }
  });

  it('says how to make the int8 graph when a bridge has none', async () => {
    const error = await loadOnnxBridge(fixtureBridge, { precision: 'int8' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_CONFIG');
    expect((error as AppError).message).toContain('python3 -m biobridge_train.quantize_onnx');
  });
});
