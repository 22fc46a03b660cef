import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateRoomGlb } from './room-generator';

/** The bundled sample room is seed 0 of the room generator: generated on demand, never stored as a binary. */
export const SAMPLE_ROOM_SEED = 0;

/** Write the sample room to a temporary GLB for import; cleanup() removes it. */
export async function writeSampleRoom(): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-sample-room-'));
  const file = path.join(dir, 'sample-room.glb');
  await fs.writeFile(file, await generateRoomGlb({ seed: SAMPLE_ROOM_SEED }));
  return { file, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}
