import { promises as fs } from 'node:fs';
import path from 'node:path';
// hyparquet is hyparquet-writer's own (exactly pinned) dependency: the reader that belongs to the writer.
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { type ColumnSource, parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';

/**
 * Parquet columns of the types lerobot's files have, written with hyparquet-writer in the
 * physical layout pyarrow uses (every field nullable, lists as the standard three-level LIST
 * group `<name> (LIST) { repeated group list { optional <type> element } }`), so pyarrow reads the
 * same Arrow types a lerobot-written dataset has:
 *
 *   int64 -> int64, float32 -> float, float64 -> double, string -> string,
 *   list<T> (depth 1..3) -> list<element: T>.
 *
 * lerobot's data files store vectors as Arrow fixed_size_list (datasets' List(length=n)); Parquet
 * has no fixed-size list (pyarrow keeps the length only in its ARROW:schema side note), so here
 * the length travels in the `huggingface` key-value metadata that `datasets` writes and reads
 * back (Features.from_arrow_schema), and `datasets` casts list -> fixed_size_list on load.
 */

export type ScalarType = 'int64' | 'float32' | 'float64' | 'string';

export interface ColumnSpec {
  name: string;
  type: ScalarType;
  /** 0 for a scalar column, else the list nesting (3 for image stats of shape (3, 1, 1)). */
  listDepth: 0 | 1 | 2 | 3;
}

/** A cell: a scalar, or nested arrays of scalars; int64 cells may be numbers (converted) or bigints. */
export type Cell = number | bigint | string | Cell[];

const PHYSICAL: Record<ScalarType, Pick<SchemaElement, 'type' | 'converted_type'>> = {
  int64: { type: 'INT64' },
  float32: { type: 'FLOAT' },
  float64: { type: 'DOUBLE' },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
};

function schemaFor(col: ColumnSpec): SchemaElement[] {
  const out: SchemaElement[] = [];
  let name = col.name;
  for (let level = 0; level < col.listDepth; level++) {
    out.push({ name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 });
    out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
    name = 'element';
  }
  out.push({ name, repetition_type: 'OPTIONAL', ...PHYSICAL[col.type] });
  return out;
}

function toInt64(v: Cell): Cell {
  if (Array.isArray(v)) return v.map(toInt64);
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new Error(`not an integer: ${String(v)}`);
}

function columnData(col: ColumnSpec, cells: Cell[]): ColumnSource {
  if (col.listDepth === 0) {
    if (col.type === 'int64') return { name: col.name, data: BigInt64Array.from(cells.map((c) => BigInt(c as number | bigint))) };
    if (col.type === 'float32') return { name: col.name, data: Float32Array.from(cells as number[]) };
    if (col.type === 'float64') return { name: col.name, data: Float64Array.from(cells as number[]) };
    return { name: col.name, data: cells as string[] };
  }
  return { name: col.name, data: col.type === 'int64' ? cells.map(toInt64) : cells };
}

/**
 * Write one parquet file (snappy, as lerobot's pyarrow writer) through a temporary name beside
 * it, so a reader never sees half a file and an existing file is replaced whole.
 */
export async function writeParquet(
  file: string,
  columns: { spec: ColumnSpec; cells: Cell[] }[],
  kvMetadata: { key: string; value: string }[] = [],
): Promise<void> {
  const rows = columns[0]?.cells.length ?? 0;
  for (const c of columns) {
    if (c.cells.length !== rows) throw new Error(`parquet column ${c.spec.name} has ${c.cells.length} rows, expected ${rows}`);
  }
  const schema: SchemaElement[] = [{ name: 'schema', num_children: columns.length }, ...columns.flatMap((c) => schemaFor(c.spec))];
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => columnData(c.spec, c.cells)),
    schema,
    codec: 'SNAPPY',
    kvMetadata,
  });
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.partial-${process.pid}`;
  await fs.writeFile(temp, new Uint8Array(buffer));
  await fs.rename(temp, file);
}

export interface ParquetContents {
  rows: Record<string, unknown>[];
  keyValue: Record<string, string>;
}

/** Read a whole parquet file into row objects (int64 as bigint, lists as arrays). */
export async function readParquet(file: string): Promise<ParquetContents> {
  const bytes = await fs.readFile(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buffer);
  const keyValue: Record<string, string> = {};
  for (const kv of metadata.key_value_metadata ?? []) keyValue[kv.key] = kv.value ?? '';
  const rows = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  return { rows, keyValue };
}

/** The parquet files of a nested folder, `<dir>/chunk-*\/file-*.parquet`, sorted as lerobot's load_nested_dataset sorts them. */
export async function nestedParquetFiles(dir: string): Promise<string[]> {
  const chunks = await fs.readdir(dir).catch(() => [] as string[]);
  const files: string[] = [];
  for (const chunk of chunks.filter((c) => /^chunk-\d+$/.test(c)).sort()) {
    const names = await fs.readdir(path.join(dir, chunk)).catch(() => [] as string[]);
    for (const name of names.filter((n) => /^file-\d+\.parquet$/.test(n)).sort()) files.push(path.join(dir, chunk, name));
  }
  return files;
}
