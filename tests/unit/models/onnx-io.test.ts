import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxFormatError, readOnnxGraphIO } from '../../../src/main/models/onnx-io';
import { BASELINE_BUNDLE, TINY_BUNDLE, tempDir } from '../pipeline/helpers';
import { FLOAT, INT64, onnxModel, writeModelWithEmbeddedWeights } from './onnx-bytes';

/**
 * The ONNX input/output reader: what it reads must be what onnxruntime reports once the graph
 * is loaded, it must not read the weights, and a file that is not a model says so.
 */

let dir: string;
beforeAll(async () => {
  dir = await tempDir('onnx-io');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('readOnnxGraphIO', () => {
  it('reads the same inputs and outputs onnxruntime reports, for every graph of both bundles', async () => {
    const graphs = [
      ...['text_encoder', 'vae_encoder', 'denoiser', 'vae_decoder'].map((g) => path.join(TINY_BUNDLE, `${g}.onnx`)),
      ...['vae_encoder', 'denoiser', 'vae_decoder'].map((g) => path.join(BASELINE_BUNDLE, `${g}.onnx`)),
    ];
    for (const file of graphs) {
      const io = await readOnnxGraphIO(file);
      const session = await ort.InferenceSession.create(file);
      try {
        const asOrt = (m: readonly ort.InferenceSession.ValueMetadata[]) =>
          m.map((v) => ({ name: v.name, type: v.isTensor ? v.type : null, shape: v.isTensor ? [...v.shape] : null }));
        expect(io.inputs, file).toEqual(asOrt(session.inputMetadata));
        expect(io.outputs, file).toEqual(asOrt(session.outputMetadata));
        expect(io.externalData).toEqual([]);
      } finally {
        await session.release();
      }
    }
  });

  it('reads the tiny denoiser: names, element types and symbolic and fixed dimensions', async () => {
    const io = await readOnnxGraphIO(path.join(TINY_BUNDLE, 'denoiser.onnx'));
    expect(io.inputs).toEqual([
      { name: 'hidden_states', type: 'float32', shape: ['batch', 'latent_frames', 13, 'latent_height', 'latent_width'] },
      { name: 'timestep', type: 'int64', shape: ['batch'] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 'tokens', 16] },
    ]);
    expect(io.outputs.map((o) => o.name)).toEqual(['prediction']);
  });

  it('lists external-data files, leaves out inputs that initializers provide, and keeps an undeclared shape unknown', async () => {
    const file = path.join(dir, 'external.onnx');
    await fs.writeFile(
      file,
      onnxModel({
        initializers: [{ name: 'w1', external: 'weights.bin' }, { name: 'w2', external: 'weights.bin' }, { name: 'bias' }],
        inputs: [
          { name: 'x', elemType: FLOAT, dims: ['n', 4] },
          // IR 3 style: a weight listed as an input too; onnxruntime does not ask for it.
          { name: 'w1', elemType: FLOAT, dims: [4] },
          { name: 'steps', elemType: INT64, dims: null },
        ],
        outputs: [{ name: 'y', elemType: FLOAT, dims: ['n', 4] }],
      }),
    );
    expect(await readOnnxGraphIO(file)).toEqual({
      inputs: [
        { name: 'x', type: 'float32', shape: ['n', 4] },
        { name: 'steps', type: 'int64', shape: null },
      ],
      outputs: [{ name: 'y', type: 'float32', shape: ['n', 4] }],
      externalData: ['weights.bin'],
    });
  });

  it('steps over weights embedded in the graph instead of reading them (a 1.5 GB graph, as a sparse file)', async () => {
    const file = path.join(dir, 'embedded.onnx');
    const weightBytes = 1536 * 1024 * 1024;
    await writeModelWithEmbeddedWeights(file, weightBytes, {
      inputs: [{ name: 'video', elemType: FLOAT, dims: [1, 3, 'frames', 48, 64] }],
      outputs: [{ name: 'latent', elemType: FLOAT, dims: [1, 4, 'latent_frames', 6, 8] }],
    });
    expect((await fs.stat(file)).size).toBeGreaterThan(weightBytes);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const io = await readOnnxGraphIO(file);
    // Reading 1.5 GB would show in the resident memory; stepping over it does not. The time bound is
    // loose on purpose (a loaded CI machine), it only catches a reader that walks the weights.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect(io).toEqual({
      inputs: [{ name: 'video', type: 'float32', shape: [1, 3, 'frames', 48, 64] }],
      outputs: [{ name: 'latent', type: 'float32', shape: [1, 4, 'latent_frames', 6, 8] }],
      externalData: [],
    });
  });

  it('says what is wrong with a file that is not a model: text, empty, truncated, no graph', async () => {
    const text = path.join(dir, 'text.onnx');
    await fs.writeFile(text, 'not a model');
    await expect(readOnnxGraphIO(text)).rejects.toThrow(/^not an ONNX model \(unreadable protobuf at byte \d+: wire type \d\)$/);
    await expect(readOnnxGraphIO(text)).rejects.toBeInstanceOf(OnnxFormatError);

    const empty = path.join(dir, 'empty.onnx');
    await fs.writeFile(empty, '');
    await expect(readOnnxGraphIO(empty)).rejects.toThrow('the file is empty');

    const whole = await fs.readFile(path.join(TINY_BUNDLE, 'vae_encoder.onnx'));
    const cut = path.join(dir, 'cut.onnx');
    await fs.writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(readOnnxGraphIO(cut)).rejects.toThrow(/^truncated: field 7 at byte \d+ needs \d+ bytes but the file ends at \d+$/);

    const noGraph = path.join(dir, 'no-graph.onnx');
    await fs.writeFile(noGraph, Uint8Array.from([0x08, 0x08])); // ir_version 8 and nothing else
    await expect(readOnnxGraphIO(noGraph)).rejects.toThrow('not an ONNX model (it has no graph)');

    await expect(readOnnxGraphIO(path.join(dir, 'absent.onnx'))).rejects.toThrow(/ENOENT/);
  });
});
