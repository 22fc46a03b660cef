import { BoundsAccumulator, finishBounds } from '../bounds-accumulator';
import { ChunkedReader } from '../chunked-reader';
import { badInput, truncated } from '../scene-errors';
import { emptyStats, type FormatResult } from '../scene-types';

/** antimatter15 .splat: position (3×f32), scale (3×f32), RGBA (4×u8), rotation (4×u8); little-endian, no header. */
export const SPLAT_RECORD_BYTES = 32;

export async function analyzeSplat(file: string, size: number): Promise<FormatResult> {
  if (size % SPLAT_RECORD_BYTES !== 0) {
    const whole = Math.floor(size / SPLAT_RECORD_BYTES);
    throw truncated(
      file,
      `${size} bytes is not a multiple of the ${SPLAT_RECORD_BYTES}-byte .splat record; ${whole} whole splats and ${size % SPLAT_RECORD_BYTES} stray bytes`,
    );
  }
  const count = size / SPLAT_RECORD_BYTES;
  const acc = new BoundsAccumulator();
  const reader = await ChunkedReader.open(file);
  try {
    let index = 0;
    while (index < count) {
      if (!(await reader.fill(SPLAT_RECORD_BYTES))) throw badInput(file, 'the file changed while it was being read');
      const records = Math.min(count - index, Math.floor(reader.available / SPLAT_RECORD_BYTES));
      const view = reader.view;
      for (let r = 0, at = reader.start; r < records; r++, at += SPLAT_RECORD_BYTES) {
        if (!acc.add(view.getFloat32(at, true), view.getFloat32(at + 4, true), view.getFloat32(at + 8, true))) {
          acc.noteFirstNonFinite(`splat ${index + r}`);
        }
      }
      reader.consume(records * SPLAT_RECORD_BYTES);
      index += records;
    }
  } finally {
    await reader.close();
  }
  const stats = { ...emptyStats(), splats: count };
  const bounds = finishBounds(file, acc, stats);
  return { format: 'splat', stats, bounds, articulations: [], references: [] };
}
