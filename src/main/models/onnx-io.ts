import { type FileHandle, open } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { DATA_LOCATION_EXTERNAL, ELEMENT_TYPES, FIELD, StringStringEntryProto, ValueInfoProto } from './onnx-proto';

/**
 * A graph's declared inputs and outputs, read from the ONNX file without loading it: the
 * ModelProto and its GraphProto are walked field by field on disk, and only the small
 * messages (each input's and output's description, each initializer's name and external-data
 * entries) are read and decoded (protobufjs, onnx-proto.ts). Everything else, weights embedded
 * in a graph under 2 GB included, is stepped over by its length, so checking a multi-gigabyte
 * bundle reads kilobytes, not the weights.
 */

/** One input or output as the graph declares it. */
export interface OnnxTensorInfo {
  name: string;
  /** Element type as onnxruntime-node names it ('float32', 'int64', ...); null when the value is not a dense tensor. */
  type: string | null;
  /** Dimensions: a number, a symbolic name, or null when unnamed; the whole list null when the rank is not declared. */
  shape: (number | string | null)[] | null;
}

export interface OnnxGraphIO {
  /**
   * What must be fed: the graph's inputs without those an initializer provides (IR 3 graphs
   * list every weight as an input too; onnxruntime treats them as constants, and so does this).
   */
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  /** Files holding initializer data, as the graph names them (relative to the graph's folder), each once. */
  externalData: string[];
}

/** The file is not a readable ONNX model; the message says where it stops making sense. */
export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}

/** A message read whole (an input's description, an external-data entry) is never this large in a real graph. */
const MAX_SMALL_MESSAGE = 1 << 20;
/** Bytes read from disk at a time; most headers of a graph share a window. */
const WINDOW = 64 * 1024;

export async function readOnnxGraphIO(file: string): Promise<OnnxGraphIO> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const win = new FileWindow(handle, size);
    let graph: Field | null = null;
    for await (const f of fields(win, 0, size)) {
      if (f.number === FIELD.model.graph) graph = lengthDelimited(f, 'ModelProto.graph');
    }
    if (!graph) throw new OnnxFormatError(size === 0 ? 'the file is empty' : 'not an ONNX model (it has no graph)');
    return await readGraph(win, graph);
  } finally {
    await handle.close();
  }
}

async function readGraph(win: FileWindow, graph: Field): Promise<OnnxGraphIO> {
  const declaredInputs: OnnxTensorInfo[] = [];
  const outputs: OnnxTensorInfo[] = [];
  const initializers = new Set<string>();
  const externalData = new Set<string>();
  for await (const f of fields(win, graph.start, graph.end)) {
    if (f.number === FIELD.graph.input) declaredInputs.push(await valueInfo(win, lengthDelimited(f, 'GraphProto.input')));
    else if (f.number === FIELD.graph.output) outputs.push(await valueInfo(win, lengthDelimited(f, 'GraphProto.output')));
    else if (f.number === FIELD.graph.initializer) {
      const tensor = await initializer(win, lengthDelimited(f, 'GraphProto.initializer'));
      initializers.add(tensor.name);
      if (tensor.location) externalData.add(tensor.location);
    }
  }
  return { inputs: declaredInputs.filter((i) => !initializers.has(i.name)), outputs, externalData: [...externalData] };
}

/** An initializer's name and, when its data lives in another file, that file; its data is never read. */
async function initializer(win: FileWindow, tensor: Field): Promise<{ name: string; location: string | null }> {
  let name = '';
  let location: string | null = null;
  let external = false;
  for await (const f of fields(win, tensor.start, tensor.end)) {
    if (f.number === FIELD.tensor.name) name = new TextDecoder().decode(await smallBytes(win, lengthDelimited(f, 'TensorProto.name')));
    else if (f.number === FIELD.tensor.externalData) {
      const entry = StringStringEntryProto.toObject(
        StringStringEntryProto.decode(await smallBytes(win, lengthDelimited(f, 'TensorProto.external_data'))),
      ) as { key?: string; value?: string };
      if (entry.key === 'location' && entry.value) location = entry.value;
    } else if (f.number === FIELD.tensor.dataLocation && f.wire === 0) {
      external = (await varintAt(win, f.start, f.end)) === DATA_LOCATION_EXTERNAL;
    }
  }
  return { name, location: external ? location : null };
}

async function valueInfo(win: FileWindow, f: Field): Promise<OnnxTensorInfo> {
  const bytes = await smallBytes(win, f);
  let decoded: {
    name?: string;
    type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
  };
  try {
    decoded = ValueInfoProto.toObject(ValueInfoProto.decode(bytes), { longs: Number }) as typeof decoded;
  } catch (err) {
    throw new OnnxFormatError(
      `not an ONNX model (an input or output description at byte ${f.start} does not decode: ${(err as Error).message})`,
    );
  }
  const tensor = decoded.type?.tensor_type;
  const elem = tensor?.elem_type;
  return {
    name: decoded.name ?? '',
    type: tensor ? (elem !== undefined ? (ELEMENT_TYPES[elem] ?? `onnx type ${elem}`) : 'undefined') : null,
    shape: tensor?.shape ? (tensor.shape.dim ?? []).map((d) => d.dim_value ?? d.dim_param ?? null) : null,
  };
}

/** One field of a message: its number, wire type, and where its value lies in the file. */
interface Field {
  number: number;
  wire: number;
  /** First byte of the value (after the tag, and after the length for length-delimited fields). */
  start: number;
  end: number;
}

function lengthDelimited(f: Field, what: string): Field {
  if (f.wire !== 2) throw new OnnxFormatError(`not an ONNX model (${what} at byte ${f.start} has wire type ${f.wire}, expected a message)`);
  return f;
}

/** The fields of the message in [from, to), in file order; values are stepped over, not read. */
async function* fields(win: FileWindow, from: number, to: number): AsyncGenerator<Field> {
  let pos = from;
  while (pos < to) {
    // A tag and a length are two varints of at most 10 bytes each.
    const reader = protobuf.Reader.create(await win.view(pos, Math.min(20, to - pos)));
    let number: number;
    let wire: number;
    let start: number;
    let end: number;
    try {
      const tag = reader.uint32();
      number = tag >>> 3;
      wire = tag & 7;
      if (number === 0) throw new Error('field number 0');
      if (wire === 0) {
        start = pos + reader.pos;
        reader.skip();
        end = pos + reader.pos;
      } else if (wire === 1 || wire === 5) {
        start = pos + reader.pos;
        end = start + (wire === 1 ? 8 : 4);
      } else if (wire === 2) {
        const length = reader.uint32();
        start = pos + reader.pos;
        end = start + length;
      } else {
        throw new Error(`wire type ${wire}`);
      }
    } catch (err) {
      throw new OnnxFormatError(`not an ONNX model (unreadable protobuf at byte ${pos}: ${(err as Error).message})`);
    }
    if (end > to) {
      throw new OnnxFormatError(
        to === win.size && end > win.size
          ? `truncated: field ${number} at byte ${pos} needs ${end - pos} bytes but the file ends at ${win.size}`
          : `not an ONNX model (field ${number} at byte ${pos} runs past the end of its message)`,
      );
    }
    yield { number, wire, start, end };
    pos = end;
  }
}

async function smallBytes(win: FileWindow, f: Field): Promise<Uint8Array> {
  const length = f.end - f.start;
  if (length > MAX_SMALL_MESSAGE) {
    throw new OnnxFormatError(`not an ONNX model (a ${length}-byte value at byte ${f.start} where a short description belongs)`);
  }
  // A copy: the window's buffer is reused by the next read.
  return Uint8Array.from(await win.view(f.start, length));
}

async function varintAt(win: FileWindow, start: number, end: number): Promise<number> {
  return protobuf.Reader.create(await win.view(start, end - start)).uint32();
}

/** Positional reads through one reusable buffer. */
class FileWindow {
  private buffer = Buffer.alloc(WINDOW);
  private from = 0;
  private to = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Up to n bytes starting at pos (fewer only at the end of the file); valid until the next call. */
  async view(pos: number, n: number): Promise<Uint8Array> {
    const want = Math.min(n, this.size - pos);
    if (pos < this.from || pos + want > this.to) {
      const length = Math.max(want, WINDOW);
      if (this.buffer.length < length) this.buffer = Buffer.alloc(length);
      const { bytesRead } = await this.handle.read(this.buffer, 0, length, pos);
      this.from = pos;
      this.to = pos + bytesRead;
    }
    return this.buffer.subarray(pos - this.from, pos - this.from + Math.max(0, Math.min(want, this.to - pos)));
  }
}
