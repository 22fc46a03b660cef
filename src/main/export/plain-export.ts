import path from 'node:path';
import { CONDITIONING_POSES_CONVENTION } from '../../shared/conditioning/poses';
import { handKeypoints, KEYPOINT_NAMES } from '../../shared/hand/keypoints';
import { HAND_SIDES } from '../../shared/hand/mano';
import { quatToAxisAngle } from '../../shared/trajectory/math';
import { writeFileAtomic } from '../services/fs/atomic-write';
import { copyWritable } from '../services/fs/copy-writable';
import { type ExportableTake, exportId, readTakePoses } from './take-episode';

export const PLAIN_FORMAT = 'dwm-studio.take-export';

/**
 * Plain export: per take an H.264 MP4 (the generated video, as made) and a JSON with the
 * convention stated, intrinsics, and per frame the camera (OpenCV camera-to-world and its
 * inverse) and both hands (MANO parameters and the 21 keypoints in the world).
 */
export async function writePlainTake(t: ExportableTake, outDir: string): Promise<string[]> {
  const id = exportId(t.take);
  const video = path.join(outDir, `${id}.mp4`);
  await copyWritable(path.join(t.dir, t.take.files.video), video);
  const poses = await readTakePoses(t);
  const doc = {
    format: PLAIN_FORMAT,
    version: 1,
    video: `${id}.mp4`,
    take: { id: t.take.id, name: t.take.name, prompt: t.take.params.prompt, params: t.take.params, model: t.take.model },
    fps: t.take.output?.fps,
    frame_count: t.take.output?.frames,
    width: t.take.output?.width,
    height: t.take.output?.height,
    convention: {
      ...CONDITIONING_POSES_CONVENTION,
      hands: {
        ...CONDITIONING_POSES_CONVENTION.hands,
        global_orient: 'axis-angle [x, y, z], radians: the same rotation as wrist_rotation_xyzw (MANO global orientation)',
        transl: 'the wrist joint in the world, metres (MANO translation; equals wrist_position)',
        keypoints: `21 world positions [x, y, z] in metres, order: ${KEYPOINT_NAMES.join(', ')}`,
      },
    },
    poses_note: poses ? null : 'The conditioning of this take came from video files, so its camera path and hand poses are not known.',
    frames:
      poses?.frames.map((f) => ({
        frame: f.frame,
        camera_to_world: f.camera_to_world,
        world_to_camera: f.world_to_camera,
        fov_y_deg: f.fov_y_deg,
        intrinsics: f.intrinsics,
        hands: Object.fromEntries(
          HAND_SIDES.map((side) => {
            const h = f.hands[side];
            const wrist = { position: h.wrist_position, rotation: h.wrist_rotation_xyzw };
            return [
              side,
              {
                ...h,
                global_orient: quatToAxisAngle(h.wrist_rotation_xyzw),
                transl: h.wrist_position,
                keypoints: handKeypoints({ fingers: h.hand_pose }, side, wrist),
              },
            ];
          }),
        ),
      })) ?? null,
  };
  const json = path.join(outDir, `${id}.json`);
  await writeFileAtomic(json, `${JSON.stringify(doc, null, 1)}\n`);
  return [video, json];
}
