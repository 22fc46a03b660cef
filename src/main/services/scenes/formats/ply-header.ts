import { promises as fs } from 'node:fs';
import { badInput, truncated } from '../scene-errors';

export type PlyScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export interface PlyProperty {
  name: string;
  type: PlyScalarType;
  /** Set for `property list <countType> <itemType> name`. */
  list?: { countType: PlyScalarType; itemType: PlyScalarType };
}

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
}

export interface PlyHeader {
  format: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  elements: PlyElement[];
  /** Byte offset of the body, just after the end_header line. */
  bodyOffset: number;
}

const TYPE_ALIASES: Record<string, PlyScalarType> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};

export const PLY_TYPE_BYTES: Record<PlyScalarType, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

/** Headers are a few hundred bytes; anything past this without end_header is not a PLY we can read. */
const MAX_HEADER_BYTES = 1024 * 1024;

export async function readPlyHeader(file: string): Promise<PlyHeader> {
  const handle = await fs.open(file, 'r');
  let text: string;
  let bodyOffset: number;
  try {
    const buf = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    // latin1 keeps one character per byte, so the character index of end_header is the byte offset.
    const head = buf.subarray(0, bytesRead).toString('latin1');
    const match = /(^|\n)end_header[ \t]*\r?\n/.exec(head) ?? /(^|\n)end_header[ \t]*\r?$/.exec(head);
    if (!match) {
      if (bytesRead < MAX_HEADER_BYTES) throw truncated(file, 'the PLY header has no end_header line');
      throw badInput(file, `the PLY header is longer than ${MAX_HEADER_BYTES} bytes or has no end_header line`);
    }
    bodyOffset = match.index + match[0].length;
    text = head.slice(0, match.index);
  } finally {
    await handle.close();
  }
  return { ...parseHeaderText(file, text), bodyOffset };
}

function parseHeaderText(file: string, text: string): Omit<PlyHeader, 'bodyOffset'> {
  let format: PlyHeader['format'] | null = null;
  const elements: PlyElement[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const words = (lines[i] as string).trim().split(/\s+/);
    const at = `PLY header line ${i + 1}`;
    switch (words[0]) {
      case 'format': {
        const f = words[1];
        if (f !== 'ascii' && f !== 'binary_little_endian' && f !== 'binary_big_endian') {
          throw badInput(file, `${at}: unknown format "${f}" (expected ascii, binary_little_endian or binary_big_endian)`);
        }
        format = f;
        break;
      }
      case 'element': {
        const count = Number(words[2]);
        if (words.length < 3 || !Number.isSafeInteger(count) || count < 0) throw badInput(file, `${at}: bad element line "${lines[i]}"`);
        elements.push({ name: words[1] as string, count, properties: [] });
        break;
      }
      case 'property': {
        const element = elements.at(-1);
        if (!element) throw badInput(file, `${at}: property before any element`);
        element.properties.push(parseProperty(file, at, words));
        break;
      }
      case 'comment':
      case 'obj_info':
      case '':
        break;
      default:
        throw badInput(file, `${at}: unknown header line "${lines[i]}"`);
    }
  }
  if (format === null) throw badInput(file, 'the PLY header has no format line');
  return { format, elements };
}

function parseProperty(file: string, at: string, words: string[]): PlyProperty {
  const type = (w: string | undefined): PlyScalarType => {
    const t = w === undefined ? undefined : TYPE_ALIASES[w];
    if (!t) throw badInput(file, `${at}: unknown property type "${w}"`);
    return t;
  };
  if (words[1] === 'list') {
    if (words.length < 5) throw badInput(file, `${at}: bad list property`);
    return { name: words[4] as string, type: type(words[3]), list: { countType: type(words[2]), itemType: type(words[3]) } };
  }
  if (words.length < 3) throw badInput(file, `${at}: bad property line`);
  return { name: words[2] as string, type: type(words[1]) };
}

/** Read one scalar of a PLY type through a DataView. */
export function readPlyScalar(view: DataView, offset: number, type: PlyScalarType, little: boolean): number {
  switch (type) {
    case 'float32':
      return view.getFloat32(offset, little);
    case 'float64':
      return view.getFloat64(offset, little);
    case 'uint8':
      return view.getUint8(offset);
    case 'int8':
      return view.getInt8(offset);
    case 'uint16':
      return view.getUint16(offset, little);
    case 'int16':
      return view.getInt16(offset, little);
    case 'uint32':
      return view.getUint32(offset, little);
    case 'int32':
      return view.getInt32(offset, little);
  }
}
