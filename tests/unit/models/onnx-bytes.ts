import { promises as fs } from 'node:fs';
import protobuf from 'protobufjs';

/**
 * ONNX ModelProto bytes written field by field with protobufjs's Writer (field numbers from
 * onnx/onnx.proto), independent of the reader under test: just enough of a model to carry
 * inputs, outputs and initializers, including ones whose data lives in another file.
 */

export const FLOAT = 1;
export const INT64 = 7;
export const FLOAT16 = 10;

export interface TensorDecl {
  name: string;
  elemType: number;
  /** null: no shape declared (rank unknown). */
  dims: (number | string)[] | null;
}

export interface InitializerDecl {
  name: string;
  /** Keep the data in this file (data_location EXTERNAL) instead of raw_data. */
  external?: string;
}

function writeValueInfo(w: protobuf.Writer, field: number, t: TensorDecl): void {
  w.uint32((field << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string(t.name);
  w.uint32((2 << 3) | 2).fork(); // type: TypeProto
  w.uint32((1 << 3) | 2).fork(); // tensor_type
  w.uint32((1 << 3) | 0).int32(t.elemType);
  if (t.dims) {
    w.uint32((2 << 3) | 2).fork(); // shape
    for (const d of t.dims) {
      w.uint32((1 << 3) | 2).fork();
      if (typeof d === 'number') w.uint32((1 << 3) | 0).int64(d);
      else w.uint32((2 << 3) | 2).string(d);
      w.ldelim();
    }
    w.ldelim();
  }
  w.ldelim().ldelim().ldelim();
}

function writeInitializer(w: protobuf.Writer, init: InitializerDecl): void {
  w.uint32((5 << 3) | 2).fork();
  w.uint32((1 << 3) | 0).int64(4); // dims: [4]
  w.uint32((2 << 3) | 0).int32(FLOAT);
  w.uint32((8 << 3) | 2).string(init.name);
  if (init.external) {
    for (const [key, value] of [
      ['location', init.external],
      ['offset', '0'],
      ['length', '16'],
    ]) {
      w.uint32((13 << 3) | 2).fork();
      w.uint32((1 << 3) | 2).string(key as string);
      w.uint32((2 << 3) | 2).string(value as string);
      w.ldelim();
    }
    w.uint32((14 << 3) | 0).int32(1);
  } else {
    w.uint32((9 << 3) | 2).bytes(new Uint8Array(16));
  }
  w.ldelim();
}

/** A ModelProto whose graph declares these inputs, outputs and initializers (and has no nodes). */
export function onnxModel(g: { inputs: TensorDecl[]; outputs: TensorDecl[]; initializers?: InitializerDecl[] }): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 0).int64(8); // ir_version
  w.uint32((2 << 3) | 2).string('dwm-studio tests'); // producer_name
  w.uint32((7 << 3) | 2).fork(); // graph
  w.uint32((2 << 3) | 2).string('test');
  for (const init of g.initializers ?? []) writeInitializer(w, init);
  for (const t of g.inputs) writeValueInfo(w, 11, t);
  for (const t of g.outputs) writeValueInfo(w, 12, t);
  w.ldelim();
  w.uint32((8 << 3) | 2).fork(); // opset_import
  w.uint32((2 << 3) | 0).int64(17);
  w.ldelim();
  return w.finish();
}

/**
 * A model file of about `weightBytes` whose one initializer embeds its data (raw_data) before
 * the graph's inputs and outputs, as exporters write graphs under 2 GB. The weights are a hole
 * in a sparse file, so the test costs no disk, and a reader that loaded them would need that
 * much memory and time.
 */
export async function writeModelWithEmbeddedWeights(
  file: string,
  weightBytes: number,
  io: { inputs: TensorDecl[]; outputs: TensorDecl[] },
): Promise<void> {
  const tensorHead = protobuf.Writer.create();
  tensorHead.uint32((1 << 3) | 0).int64(weightBytes / 4);
  tensorHead.uint32((2 << 3) | 0).int32(FLOAT);
  tensorHead.uint32((8 << 3) | 2).string('big_weight');
  tensorHead.uint32((9 << 3) | 2).uint32(weightBytes); // raw_data: tag and length; the bytes follow
  const head = tensorHead.finish();
  const tensorLength = head.length + weightBytes;

  const tail = protobuf.Writer.create();
  for (const t of io.inputs) writeValueInfo(tail, 11, t);
  for (const t of io.outputs) writeValueInfo(tail, 12, t);
  const tailBytes = tail.finish();

  const initializerField = protobuf.Writer.create()
    .uint32((5 << 3) | 2)
    .uint32(tensorLength)
    .finish();
  const graphLength = initializerField.length + tensorLength + tailBytes.length;
  const modelHead = protobuf.Writer.create()
    .uint32((1 << 3) | 0)
    .int64(8)
    .uint32((7 << 3) | 2)
    .uint32(graphLength)
    .finish();

  const before = Buffer.concat([modelHead, initializerField, head]);
  const handle = await fs.open(file, 'w');
  try {
    await handle.write(before, 0, before.length, 0);
    await handle.write(tailBytes, 0, tailBytes.length, before.length + weightBytes);
  } finally {
    await handle.close();
  }
}
