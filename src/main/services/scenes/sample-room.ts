import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Shot } from '../../../shared/animation/schema';
import { createShot, randomKeyId } from '../../../shared/shot/create-shot';
import { approachCamera, defaultTiming, type GraspTarget, graspAndOpen } from '../../../shared/shot/grasp-and-open';
import { describeRoom, generateRoomGlb } from './room-generator';

/** The bundled sample room is seed 0 of the room generator: generated on demand, never stored as a binary. */
export const SAMPLE_ROOM_SEED = 0;

/** Write the sample room to a temporary GLB for import; cleanup() removes it. */
export async function writeSampleRoom(): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-sample-room-'));
  const file = path.join(dir, 'sample-room.glb');
  await fs.writeFile(file, await generateRoomGlb({ seed: SAMPLE_ROOM_SEED }));
  return { file, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * The demo shot every new project gets: the camera walks up to the sample room's dresser
 * and the right hand opens its top drawer, keyed by the grasp-and-open helper.
 */
export function sampleRoomDemoShot(sceneId: string, defaults: { frames: number; fps: number }): Shot {
  const room = describeRoom(SAMPLE_ROOM_SEED);
  const drawer = room.parts.find((p) => p.node === 'dresser_drawer_top');
  if (!drawer) throw new Error('the sample room has no top drawer');
  const target: GraspTarget = {
    handle: drawer.handleWorld,
    front: drawer.frontWorld,
    motion: { type: 'prismatic', axis: drawer.axisWorld, distance: 0.3 },
  };
  let shot = createShot({
    id: randomUUID(),
    name: 'Open the top drawer',
    frames: defaults.frames,
    fps: defaults.fps,
    sceneId,
    newKeyId: randomKeyId,
  });
  shot = { ...shot, prompt: 'I walk up to the dresser, grab the handle of the top drawer with my right hand and pull the drawer open.' };
  const timing = defaultTiming(shot.frames);
  shot = approachCamera(shot, target, { from: [0.3, 1.6, 1.2], arriveAt: timing.preGrasp - 4, newId: randomKeyId });
  return graspAndOpen(shot, { side: 'right', target, timing, newId: randomKeyId });
}
