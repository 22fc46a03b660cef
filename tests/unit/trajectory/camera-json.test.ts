import { describe, expect, it } from 'vitest';
import { exportCameraJson, importCameraJson } from '../../../src/shared/trajectory/camera-json';
import { quatAngleBetween } from '../../../src/shared/trajectory/math';
import type { CameraFrame } from '../../../src/shared/trajectory/types';
import { maxAbsDiff, randomCameraFrames, trajectoryError } from './helpers';

const OPTS = { width: 720, height: 480, fps: 8 };

// biome-ignore lint/suspicious/noExplicitAny: tests poke at parsed JSON freely
type Json = any;

function exported(count = 49, seed = 11): { frames: CameraFrame[]; text: string; json: Json } {
  const frames = randomCameraFrames(seed, count);
  const text = exportCameraJson(frames, OPTS);
  return { frames, text, json: JSON.parse(text) };
}

/** Export, let `edit` change the parsed file, and import the result. */
function importEdited(edit: (json: Json) => void, expected = {}): () => unknown {
  const { json } = exported(6);
  edit(json);
  return () => importCameraJson(JSON.stringify(json), expected);
}

describe('camera JSON export', () => {
  it('spells out the convention in words and fields', () => {
    const { json } = exported(3);
    expect(json.format).toBe('dwm-studio.camera');
    expect(json.version).toBe(1);
    expect(json.convention.world).toMatchObject({ handedness: 'right', up: '+y', units: 'metres' });
    expect(json.convention.camera).toMatchObject({ axes: 'opencv', x: 'right', y: 'down', z: 'forward' });
    expect(json.convention.matrix).toMatchObject({
      type: 'camera_to_world',
      layout: 'row-major',
      rows: 4,
      columns: 4,
      also: 'world_to_camera',
    });
    expect(json.convention.fov).toMatchObject({ axis: 'vertical', units: 'degrees' });
    expect(json.convention.description).toMatch(/camera_to_world\[r\]\[c\] is row r, column c/);
    expect(json.fps).toBe(8);
    expect(json.frame_count).toBe(3);
    expect(Object.keys(json.intrinsics).sort()).toEqual(['cx', 'cy', 'fx', 'fy', 'height', 'width']);
    expect(json.intrinsics).toMatchObject({ width: 720, height: 480, cx: 360, cy: 240 });
    expect(json.frames).toHaveLength(3);
    const f = json.frames[1];
    expect(f.frame).toBe(1);
    expect(f.camera_to_world).toHaveLength(4);
    expect(f.camera_to_world[3]).toEqual([0, 0, 0, 1]);
    expect(f.world_to_camera[3]).toEqual([0, 0, 0, 1]);
    expect(typeof f.fov_y_deg).toBe('number');
  });

  it('writes the camera centre in the last column of camera_to_world and a y-down, z-forward camera', () => {
    const text = exportCameraJson([{ position: [1, 2, 3], rotation: [0, 0, 0, 1], fovY: 60 }], OPTS);
    const f = JSON.parse(text).frames[0];
    expect(f.camera_to_world).toEqual([
      [1, 0, 0, 1],
      [0, -1, 0, 2],
      [0, 0, -1, 3],
      [0, 0, 0, 1],
    ]);
    expect(f.world_to_camera).toEqual([
      [1, 0, 0, -1],
      [0, -1, 0, 2],
      [0, 0, -1, 3],
      [0, 0, 0, 1],
    ]);
    expect(f.fy).toBeCloseTo(240 / Math.tan(Math.PI / 6), 10);
    // One matrix row per line keeps the file readable.
    expect(text).toContain('[0, -1, 0, 2]');
  });

  it('refuses frames it cannot describe', () => {
    const good: CameraFrame = { position: [0, 0, 0], rotation: [0, 0, 0, 1], fovY: 50 };
    let err = trajectoryError(() => exportCameraJson([good, { ...good, rotation: [0, 0, 0, 0] }], OPTS));
    expect(err.message).toMatch(/frame 1: camera rotation \[0, 0, 0, 0\] is not a unit quaternion/);
    expect(err.frame).toBe(1);
    err = trajectoryError(() => exportCameraJson([{ ...good, fovY: 0 }], OPTS));
    expect(err.message).toMatch(/frame 0: vertical field of view 0 must be between 0 and 180 degrees/);
    err = trajectoryError(() => exportCameraJson([{ ...good, position: [0, Number.NaN, 0] }], OPTS));
    expect(err.message).toMatch(/camera position \[0, NaN, 0\] is not three finite numbers/);
    err = trajectoryError(() => exportCameraJson([good], { ...OPTS, width: 0 }));
    expect(err.message).toMatch(/image width must be a whole number of pixels above 0, not 0/);
    err = trajectoryError(() => exportCameraJson([], OPTS));
    expect(err.message).toMatch(/no camera frames/);
  });
});

describe('camera JSON round trip', () => {
  it('reads its own output back exactly (rotation < 1e-9 rad, position < 1e-9 m, fov < 1e-9 deg)', () => {
    for (const seed of [1, 2, 3]) {
      const { frames, text } = exported(49, seed);
      const back = importCameraJson(text, { frames: 49, width: 720, height: 480 });
      expect(back).toMatchObject({ width: 720, height: 480, fps: 8 });
      expect(back.frames).toHaveLength(49);
      back.frames.forEach((f, i) => {
        const orig = frames[i] as CameraFrame;
        expect(quatAngleBetween(f.rotation, orig.rotation)).toBeLessThan(1e-9);
        expect(maxAbsDiff(f.position, orig.position)).toBeLessThan(1e-9);
        expect(Math.abs(f.fovY - orig.fovY)).toBeLessThan(1e-9);
        expect(Math.hypot(...f.rotation)).toBeCloseTo(1, 14);
      });
    }
  });

  it('survives a second export unchanged up to float noise', () => {
    const { text } = exported(10);
    const once = importCameraJson(text);
    const twice = importCameraJson(exportCameraJson(once.frames, OPTS));
    twice.frames.forEach((f, i) => {
      expect(quatAngleBetween(f.rotation, once.frames[i]?.rotation ?? [0, 0, 0, 1])).toBeLessThan(1e-12);
    });
  });

  it('accepts Windows line endings, a BOM, extra fields, "meters", and a file without world_to_camera or per-frame intrinsics', () => {
    const { json, frames } = exported(4);
    json.convention.world.units = 'meters';
    json.generator = 'someone else';
    for (const f of json.frames) {
      delete f.world_to_camera;
      delete f.fx;
      delete f.fy;
      delete f.cx;
      delete f.cy;
    }
    const text = `\uFEFF${JSON.stringify(json, null, 2).replace(/\n/g, '\r\n')}`;
    const back = importCameraJson(text, { frames: 4 });
    expect(quatAngleBetween(back.frames[2]?.rotation ?? [0, 0, 0, 1], frames[2]?.rotation ?? [0, 0, 0, 1])).toBeLessThan(1e-9);
  });

  it('accepts matrices written with 6 decimals (what numpy / Python scripts often write)', () => {
    const { json } = exported(4);
    for (const f of json.frames) {
      f.camera_to_world = f.camera_to_world.map((row: number[]) => row.map((v) => Number(v.toFixed(6))));
      delete f.world_to_camera;
    }
    expect(importCameraJson(JSON.stringify(json)).frames).toHaveLength(4);
  });
});

describe('camera JSON bad input', () => {
  it('wrong frame count against the shot', () => {
    const { text } = exported(30);
    const err = trajectoryError(() => importCameraJson(text, { frames: 49 }));
    expect(err.message).toMatch(/^has 30 frames, the shot has 49/);
    expect(err.field).toBe('frames');
  });

  it('frame_count that disagrees with the list, and frames out of order', () => {
    let err = trajectoryError(
      importEdited((j) => {
        j.frame_count = 7;
      }),
    );
    expect(err.message).toBe('frame_count says 7 but "frames" lists 6');
    err = trajectoryError(
      importEdited((j) => {
        j.frames[2].frame = 5;
      }),
    );
    expect(err.message).toMatch(/frames\[2\]\.frame is 5; frames must be listed in order from 0 \(expected 2\)/);
    expect(err.frame).toBe(2);
  });

  it('a rotation part that is scaled (not orthonormal)', () => {
    const err = trajectoryError(
      importEdited((j) => {
        for (const row of j.frames[3].camera_to_world.slice(0, 3)) row[0] *= 1.5;
      }),
    );
    expect(err.message).toMatch(
      /^frames\[3\]\.camera_to_world: its rotation part is not a rotation \(not orthonormal: column lengths 1\.5, 1, 1/,
    );
    expect(err.message).toMatch(/a scale or a projection is mixed in/);
    expect(err.frame).toBe(3);
    expect(err.field).toBe('frames[3].camera_to_world');
  });

  it('a sheared rotation part', () => {
    const err = trajectoryError(
      importEdited((j) => {
        j.frames[1].camera_to_world = [
          [1, 0.2, 0, 0],
          [0, 0.9797958971132712, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 0, 1],
        ];
      }),
    );
    expect(err.message).toMatch(/frames\[1\]\.camera_to_world: .*not orthonormal.*the axes are not perpendicular \(a shear\)/);
  });

  it('a mirror (determinant -1), the classic half-done OpenGL to OpenCV flip', () => {
    const err = trajectoryError(
      importEdited((j) => {
        for (const row of j.frames[4].camera_to_world.slice(0, 3)) row[1] = -row[1]; // flip y only
      }),
    );
    expect(err.message).toMatch(/^frames\[4\]\.camera_to_world: its rotation part has determinant -1: a mirror image, not a rotation/);
    expect(err.message).toMatch(/one camera axis was flipped on its own/);
    expect(err.frame).toBe(4);
  });

  it('a bottom row other than 0 0 0 1', () => {
    const err = trajectoryError(
      importEdited((j) => {
        j.frames[0].camera_to_world[3] = [0, 0, 1, 0];
      }),
    );
    expect(err.message).toMatch(/frames\[0\]\.camera_to_world: its bottom row is \[0, 0, 1, 0\]/);
  });

  it('world_to_camera that is not the inverse of camera_to_world', () => {
    const err = trajectoryError(
      importEdited((j) => {
        j.frames[2].world_to_camera[0][3] += 0.5;
      }),
    );
    expect(err.message).toMatch(/frames\[2\]\.world_to_camera is not the inverse of camera_to_world/);
  });

  it('NaN and Infinity (as Python writes them) name the field', () => {
    const { text } = exported(4);
    const nan = text.replace(/"fov_y_deg": [^,]+,/g, (m, offset: number) =>
      offset === text.indexOf('"fov_y_deg"', text.indexOf('"frame": 2')) ? '"fov_y_deg": NaN,' : m,
    );
    let err = trajectoryError(() => importCameraJson(nan));
    expect(err.message).toBe('frames[2].fov_y_deg is NaN (not a number); every number must be finite');
    expect(err.frame).toBe(2);
    expect(err.field).toBe('frames[2].fov_y_deg');

    const json = JSON.parse(text);
    json.frames[1].camera_to_world[0][3] = 12345.678;
    const inf = JSON.stringify(json).replace('12345.678', '-Infinity');
    err = trajectoryError(() => importCameraJson(inf));
    expect(err.message).toBe('frames[1].camera_to_world[0][3] is infinite; every number must be finite');

    const huge = JSON.stringify(json).replace('12345.678', '1e999');
    err = trajectoryError(() => importCameraJson(huge));
    expect(err.message).toBe('frames[1].camera_to_world[0][3] is infinite; every number must be finite');
  });

  it('missing fields', () => {
    let err = trajectoryError(
      importEdited((j) => {
        delete j.frames[1].fov_y_deg;
      }),
    );
    expect(err.message).toBe('frames[1].fov_y_deg is missing');
    expect(err.frame).toBe(1);
    err = trajectoryError(
      importEdited((j) => {
        delete j.frames[5].camera_to_world;
      }),
    );
    expect(err.message).toBe('frames[5].camera_to_world is missing');
    err = trajectoryError(
      importEdited((j) => {
        delete j.convention;
      }),
    );
    expect(err.message).toBe('convention is missing');
    err = trajectoryError(
      importEdited((j) => {
        delete j.intrinsics.height;
      }),
    );
    expect(err.message).toBe('intrinsics.height is missing');
    err = trajectoryError(
      importEdited((j) => {
        j.frames[0].camera_to_world.pop();
      }),
    );
    expect(err.message).toMatch(/^frames\[0\]\.camera_to_world has 3 values; expected exactly 4/);
    err = trajectoryError(
      importEdited((j) => {
        j.frames[0].camera_to_world[1][2] = '0.5';
      }),
    );
    expect(err.message).toBe('frames[0].camera_to_world[1][2] must be a number, not the text "0.5"');
  });

  it('unknown convention values', () => {
    let err = trajectoryError(
      importEdited((j) => {
        j.convention.camera.axes = 'opengl';
      }),
    );
    expect(err.message).toBe('convention.camera.axes is "opengl"; this reader understands only "opencv"');
    expect(err.field).toBe('convention.camera.axes');
    err = trajectoryError(
      importEdited((j) => {
        j.convention.matrix.type = 'world_to_camera';
      }),
    );
    expect(err.message).toBe('convention.matrix.type is "world_to_camera"; this reader understands only "camera_to_world"');
    err = trajectoryError(
      importEdited((j) => {
        j.convention.world.up = '+z';
      }),
    );
    expect(err.message).toBe('convention.world.up is "+z"; this reader understands only "+y"');
    err = trajectoryError(
      importEdited((j) => {
        j.convention.matrix.layout = 'column-major';
      }),
    );
    expect(err.message).toMatch(/convention\.matrix\.layout is "column-major"/);
    err = trajectoryError(
      importEdited((j) => {
        j.convention.world.units = 'centimetres';
      }),
    );
    expect(err.message).toBe('convention.world.units is "centimetres"; this reader understands only "metres" or "meters"');
  });

  it('intrinsics that disagree with the field of view or the shot', () => {
    let err = trajectoryError(
      importEdited((j) => {
        j.frames[2].fy *= 1.1;
      }),
    );
    expect(err.message).toMatch(/^frames\[2\]\.fy is [\d.]+ but fov_y_deg [\d.]+ at 720x480 gives/);
    err = trajectoryError(
      importEdited((j) => {
        j.frames[1].cx = 300;
      }),
    );
    expect(err.message).toMatch(/frames\[1\]\.cx is 300 but the principal point must be the image centre \(360\)/);
    err = trajectoryError(
      importEdited((j) => {
        j.intrinsics.fx = 1;
      }),
    );
    expect(err.message).toMatch(/^intrinsics\.fx is 1 but frame 0 \(fov_y_deg/);
    err = trajectoryError(importEdited(() => {}, { width: 1280, height: 720 }));
    expect(err.message).toBe('intrinsics are for 720x480 images, the shot renders 1280x720');
    err = trajectoryError(
      importEdited((j) => {
        j.frames[3].fov_y_deg = 200;
      }),
    );
    expect(err.message).toBe('frames[3].fov_y_deg is 200; it must be between 0 and 180 degrees');
  });

  it('a field of view written in radians is caught by its focal length', () => {
    const err = trajectoryError(
      importEdited((j) => {
        j.frames[2].fov_y_deg = (j.frames[2].fov_y_deg * Math.PI) / 180;
      }),
    );
    expect(err.message).toMatch(/^frames\[2\]\.fov_y_deg is [\d.]+, but fy [\d.]+ gives [\d.]+ degrees: fov_y_deg was written in radians/);
    expect(err.field).toBe('frames[2].fov_y_deg');
    // Without the focal length a small angle is a legal (telephoto) field of view and is read as given.
    const { json } = exported(2);
    json.frames[1].fov_y_deg = 1.0471975511965976;
    for (const f of json.frames) {
      delete f.fx;
      delete f.fy;
    }
    expect(importCameraJson(JSON.stringify(json)).frames[1]?.fovY).toBe(1.0471975511965976);
  });

  it('not JSON, the wrong kind of file, a newer version', () => {
    let err = trajectoryError(() => importCameraJson('{\n  "format": "dwm-studio.camera",\n  oops\n}'));
    expect(err.message).toMatch(/^is not valid JSON/);
    err = trajectoryError(() => importCameraJson('{"a": 1,}'));
    expect(err.message).toMatch(/^is not valid JSON \(line 1, column 9\)/);
    expect(err.line).toBe(1);
    err = trajectoryError(() => importCameraJson(''));
    expect(err.message).toBe('is empty; expected JSON text');
    err = trajectoryError(() => importCameraJson('[1, 2]'));
    expect(err.message).toMatch(/is not a DWM Studio camera file: expected a JSON object/);
    err = trajectoryError(() => importCameraJson('{"format": "dwm-studio.hands", "version": 1}'));
    expect(err.message).toBe('is not a DWM Studio camera file: it has "format": "dwm-studio.hands"; expected "dwm-studio.camera"');
    err = trajectoryError(
      importEdited((j) => {
        j.version = 2;
      }),
    );
    expect(err.message).toMatch(/was written by a newer DWM Studio \(dwm-studio\.camera version 2; this build reads version 1\)/);
  });
});
