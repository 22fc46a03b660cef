import { z } from 'zod';
import { fovYFromIntrinsics, intrinsicsFromFovY, openCvCameraToWorldToThree, threeToOpenCvCameraToWorld } from './camera-convention';
import { checkJsonHeader, frameCountMismatch, parseJsonText, parseWith, TrajectoryError } from './errors';
import { checkCameraFrames, checkExportOptions, stringifyCompact } from './frames';
import { DEG, invertRigid, mulMat4, rigidTransformProblem } from './math';
import type { CameraFrame, Mat4 } from './types';

/**
 * DWM Studio camera trajectory JSON: one OpenCV camera-to-world matrix per frame with the
 * convention spelled out in the file, so nobody has to guess c2w vs w2c or which way y points.
 *
 * {
 *   "format": "dwm-studio.camera", "version": 1,
 *   "convention": { world, camera, matrix, fov, intrinsics: words and fixed values },
 *   "fps": 8, "frame_count": 49,
 *   "intrinsics": { "width", "height", "fx", "fy", "cx", "cy" },      (frame 0)
 *   "frames": [ { "frame": 0, "fov_y_deg", "fx", "fy", "cx", "cy",
 *                 "camera_to_world": [[r00, r01, r02, tx], [..], [..], [0, 0, 0, 1]],
 *                 "world_to_camera": [[..], [..], [..], [0, 0, 0, 1]] }, ... ]
 * }
 *
 * On import camera_to_world and fov_y_deg are authoritative; world_to_camera and the pixel
 * intrinsics are optional per frame but must agree with them when present.
 */

export const CAMERA_JSON_FORMAT = 'dwm-studio.camera';
export const CAMERA_JSON_VERSION = 1;

export interface CameraJsonOptions {
  /** Image size in pixels the intrinsics are for. */
  width: number;
  height: number;
  fps: number;
}

export interface CameraJsonExpectation {
  /** The shot's frame count; the file must have exactly this many. */
  frames?: number;
  /** The shot's image size; the file's intrinsics must be for this size. */
  width?: number;
  height?: number;
}

export interface ImportedCameraJson {
  frames: CameraFrame[];
  width: number;
  height: number;
  fps: number;
}

const CONVENTION = {
  description:
    'OpenCV camera convention in a right-handed, Y-up world measured in metres. camera_to_world[r][c] is row r, column c of a 4x4 ' +
    'matrix that maps a point from camera coordinates to world coordinates (X_world = R X_cam + t): its first three columns are the ' +
    "camera's x (right), y (down) and z (forward, the viewing direction) axes in world coordinates and its last column is the camera " +
    'centre. world_to_camera is its inverse (the OpenCV extrinsics [R | t]). Pixels: u = fx x / z + cx, v = fy y / z + cy, with (0, 0) at ' +
    'the top-left corner of the image, u to the right and v down. A three.js / OpenGL camera (y up, looking down -z) is this camera ' +
    'turned 180 degrees about its x axis: negate the second and third columns of the rotation.',
  world: { handedness: 'right', up: '+y', units: 'metres', description: 'right-handed, +Y up, metres (glTF / three.js world)' },
  camera: { axes: 'opencv', x: 'right', y: 'down', z: 'forward', description: 'OpenCV / COLMAP camera: x right, y down, z forward' },
  matrix: {
    type: 'camera_to_world',
    layout: 'row-major',
    rows: 4,
    columns: 4,
    also: 'world_to_camera',
    description: 'camera_to_world is a list of 4 rows of 4 numbers; world_to_camera (also given per frame) is its inverse',
  },
  fov: { axis: 'vertical', units: 'degrees', description: 'fov_y_deg: full vertical field of view in degrees' },
  intrinsics: {
    model: 'pinhole',
    units: 'pixels',
    pixel_origin: 'top-left-corner',
    description:
      'fx = fy = (height / 2) / tan(fov_y / 2), cx = width / 2, cy = height / 2, no distortion. The top-level intrinsics are those of ' +
      'frame 0; every frame lists its own fx, fy, cx, cy (they change when the shot zooms).',
  },
} as const;

const Num = z.number();
// Arrays of fixed length rather than tuples: zod then reports "expected exactly 4".
const Row4 = z.array(Num).length(4);
const Mat4Schema = z.array(Row4).length(4);
const Metres = z.enum(['metres', 'meters']);

const ConventionSchema = z.object({
  world: z.object({ handedness: z.literal('right'), up: z.literal('+y'), units: Metres }),
  camera: z.object({ axes: z.literal('opencv'), x: z.literal('right'), y: z.literal('down'), z: z.literal('forward') }),
  matrix: z.object({ type: z.literal('camera_to_world'), layout: z.literal('row-major') }),
  fov: z.object({ axis: z.literal('vertical'), units: z.literal('degrees') }),
  intrinsics: z.object({ model: z.literal('pinhole'), units: z.literal('pixels'), pixel_origin: z.literal('top-left-corner') }).optional(),
});

const FrameSchema = z.object({
  frame: z.int(),
  fov_y_deg: Num,
  fx: Num.optional(),
  fy: Num.optional(),
  cx: Num.optional(),
  cy: Num.optional(),
  camera_to_world: Mat4Schema,
  world_to_camera: Mat4Schema.optional(),
});

const FileSchema = z.object({
  format: z.literal(CAMERA_JSON_FORMAT),
  version: z.literal(CAMERA_JSON_VERSION),
  convention: ConventionSchema,
  fps: Num.positive().max(1000),
  frame_count: z.int().min(1),
  intrinsics: z.object({ width: z.int().positive(), height: z.int().positive(), fx: Num, fy: Num, cx: Num, cy: Num }),
  frames: z.array(FrameSchema).min(1),
});

export function exportCameraJson(frames: readonly CameraFrame[], opts: CameraJsonOptions): string {
  checkExportOptions(opts);
  const checked = checkCameraFrames(frames);
  const { width, height, fps } = opts;
  const entries = checked.map((f, i) => {
    const k = intrinsicsFromFovY(f.fovY, width, height);
    const c2w = threeToOpenCvCameraToWorld(f.position, f.rotation);
    return { frame: i, fov_y_deg: f.fovY, fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy, camera_to_world: c2w, world_to_camera: invertRigid(c2w) };
  });
  const first = intrinsicsFromFovY((checked[0] as CameraFrame).fovY, width, height);
  return stringifyCompact({
    format: CAMERA_JSON_FORMAT,
    version: CAMERA_JSON_VERSION,
    convention: CONVENTION,
    fps,
    frame_count: entries.length,
    intrinsics: { width, height, fx: first.fx, fy: first.fy, cx: first.cx, cy: first.cy },
    frames: entries,
  });
}

/** Relative agreement of two positive quantities. */
const agrees = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-300);
const INTRINSICS_TOLERANCE = 1e-6;
const INVERSE_TOLERANCE = 1e-4;

export function importCameraJson(text: string, expected: CameraJsonExpectation = {}): ImportedCameraJson {
  const raw = parseJsonText(text);
  checkJsonHeader(raw, CAMERA_JSON_FORMAT, CAMERA_JSON_VERSION, 'DWM Studio camera');
  const file = parseWith(FileSchema, raw);

  if (file.frame_count !== file.frames.length) {
    throw new TrajectoryError(`frame_count says ${file.frame_count} but "frames" lists ${file.frames.length}`, { field: 'frame_count' });
  }
  if (expected.frames !== undefined && file.frames.length !== expected.frames) {
    throw frameCountMismatch(file.frames.length, expected.frames, { field: 'frames' });
  }
  const { width, height } = file.intrinsics;
  if ((expected.width !== undefined && expected.width !== width) || (expected.height !== undefined && expected.height !== height)) {
    throw new TrajectoryError(
      `intrinsics are for ${width}x${height} images, the shot renders ${expected.width ?? width}x${expected.height ?? height}`,
      { field: 'intrinsics' },
    );
  }

  const frames = file.frames.map((f, i): CameraFrame => {
    const at = (field: string) => ({ field: `frames[${i}].${field}`, frame: i });
    if (f.frame !== i) {
      throw new TrajectoryError(`frames[${i}].frame is ${f.frame}; frames must be listed in order from 0 (expected ${i})`, at('frame'));
    }
    if (!(f.fov_y_deg > 0 && f.fov_y_deg < 180)) {
      throw new TrajectoryError(`frames[${i}].fov_y_deg is ${f.fov_y_deg}; it must be between 0 and 180 degrees`, at('fov_y_deg'));
    }
    const problem = rigidTransformProblem(f.camera_to_world as Mat4);
    if (problem !== null) throw new TrajectoryError(`frames[${i}].camera_to_world: ${problem}`, at('camera_to_world'));
    if (f.world_to_camera !== undefined) {
      const product = mulMat4(f.world_to_camera as Mat4, f.camera_to_world as Mat4);
      const deviation = Math.max(...product.flatMap((row, r) => row.map((v, c) => Math.abs(v - (r === c ? 1 : 0)))));
      if (deviation > INVERSE_TOLERANCE) {
        throw new TrajectoryError(
          `frames[${i}].world_to_camera is not the inverse of camera_to_world (their product is off the identity by ${deviation.toPrecision(3)}); ` +
            'one of them was edited without the other',
          at('world_to_camera'),
        );
      }
    }
    const k = intrinsicsFromFovY(f.fov_y_deg, width, height);
    checkFrameIntrinsics(f, k, i);
    const pose = openCvCameraToWorldToThree(f.camera_to_world as Mat4);
    return { position: pose.position, rotation: pose.rotation, fovY: f.fov_y_deg };
  });

  // The top-level intrinsics describe frame 0.
  const k0 = intrinsicsFromFovY((frames[0] as CameraFrame).fovY, width, height);
  for (const key of ['fx', 'fy', 'cx', 'cy'] as const) {
    if (!agrees(file.intrinsics[key], k0[key], INTRINSICS_TOLERANCE)) {
      throw new TrajectoryError(
        `intrinsics.${key} is ${file.intrinsics[key]} but frame 0 (fov_y_deg ${frames[0]?.fovY} at ${width}x${height}) gives ${k0[key]}`,
        { field: `intrinsics.${key}` },
      );
    }
  }
  return { frames, width, height, fps: file.fps };
}

function checkFrameIntrinsics(f: z.infer<typeof FrameSchema>, k: ReturnType<typeof intrinsicsFromFovY>, i: number): void {
  // fy first: it alone decides the field of view, so its message can say what went wrong.
  for (const key of ['fy', 'fx', 'cx', 'cy'] as const) {
    const v = f[key];
    if (v === undefined || agrees(v, k[key], INTRINSICS_TOLERANCE)) continue;
    if (key === 'fy' && agrees(fovYFromIntrinsics({ fy: v, height: k.height }), f.fov_y_deg * DEG, INTRINSICS_TOLERANCE)) {
      throw new TrajectoryError(
        `frames[${i}].fov_y_deg is ${f.fov_y_deg}, but fy ${v} gives ${f.fov_y_deg * DEG} degrees: fov_y_deg was written in radians; it must be in degrees`,
        { field: `frames[${i}].fov_y_deg`, frame: i },
      );
    }
    const why =
      key === 'fx' || key === 'fy'
        ? `fov_y_deg ${f.fov_y_deg} at ${k.width}x${k.height} gives ${k[key]} (fov ${fovYFromIntrinsics({ fy: v, height: k.height })} degrees for this value); DWM Studio cameras have square pixels`
        : `the principal point must be the image centre (${k[key]}); off-centre principal points are not supported`;
    throw new TrajectoryError(`frames[${i}].${key} is ${v} but ${why}`, { field: `frames[${i}].${key}`, frame: i });
  }
}
