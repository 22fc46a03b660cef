import { SparkRenderer, SplatMesh } from '@sparkjsdev/spark';
import * as THREE from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { clone as cloneSkinned } from 'three/examples/jsm/utils/SkeletonUtils.js';
import type { ShotPose } from '../../../shared/animation/sample';
import type { Shot } from '../../../shared/animation/schema';
import type { RenderResult } from '../../../shared/api/contract';
import { conditioningSampler } from '../../../shared/conditioning/shot-frames';
import type { ConditioningSpec } from '../../../shared/conditioning/spec';
import { modelRootTransform, posedModelJoints } from '../../../shared/hand/keypoints';
import { WEBXR_JOINTS } from '../../../shared/hand/skeleton';
import { placementMatrix } from '../../../shared/scene/placement';
import type { SceneAsset } from '../../../shared/scene/schema';
import { api } from '../api';
import { mediaUrl } from '../scene/media-url';

/**
 * The conditioning renderer: separate from the interactive viewport, at the model's size,
 * it draws for every frame of the shot (camera sampled from the camera track) pass 1, the
 * static scene alone (no grid, gizmos, helpers, hands), and pass 2, only the hand meshes in
 * the spec's colours and shading on the spec's background. Both passes use one camera, so
 * they are pixel-aligned. Frames go to main as binary; main encodes and writes the files.
 */

export interface RenderProgress {
  frame: number;
  frames: number;
}

/** Where the time went, summed over all frames (ms). */
export interface RenderTimings {
  frames: number;
  scenePassMs: number;
  handPassMs: number;
  readbackMs: number;
  /** Sending the frame to main and ffmpeg taking it (both encoders run as the frames arrive). */
  encodeMs: number;
  /** Everything, from render.begin to render.finish. */
  totalMs: number;
}

export const rgb = (c: readonly number[]) =>
  new THREE.Color().setRGB((c[0] ?? 0) / 255, (c[1] ?? 0) / 255, (c[2] ?? 0) / 255, THREE.SRGBColorSpace);

/** Scene objects as the viewport loaded them; meshes are cloned (sharing GPU data), splats reloaded for this renderer. */
export interface LoadedScene {
  asset: SceneAsset;
  object: THREE.Object3D;
}

/** The static pass's lights; synthetic training clips vary them per clip (render-training-clips.ts). */
export const SCENE_LIGHTS = { hemisphere: 1.2, sun: 1.5, sunPosition: [5, 8, 3] as [number, number, number] };

/** Each placed scene object is a direct child group of the static scene, in `scenes` order (invisible ones skipped). */
export async function buildStaticScene(renderer: THREE.WebGLRenderer, scenes: LoadedScene[]): Promise<THREE.Scene> {
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0, 0, 0);
  const sky = new THREE.HemisphereLight(0xffffff, 0x333844, SCENE_LIGHTS.hemisphere);
  sky.name = 'dwm-hemisphere';
  scene.add(sky);
  const sun = new THREE.DirectionalLight(0xffffff, SCENE_LIGHTS.sun);
  sun.name = 'dwm-sun';
  sun.position.set(...SCENE_LIGHTS.sunPosition);
  scene.add(sun);
  let splats = false;
  for (const { asset, object } of scenes) {
    if (!asset.visible) continue;
    const group = new THREE.Group();
    group.matrixAutoUpdate = false;
    group.matrix.fromArray(placementMatrix(asset.placement, asset.bounds));
    if (object instanceof SplatMesh) {
      const mesh = new SplatMesh({
        url: mediaUrl(asset.file),
        fileType: (asset.format === 'ply-gaussians' ? 'ply' : asset.format) as never,
      });
      await mesh.initialized;
      group.add(mesh);
      splats = true;
    } else {
      group.add(object.clone(true));
    }
    scene.add(group);
  }
  if (splats) scene.add(new SparkRenderer({ renderer }));
  scene.updateMatrixWorld(true);
  return scene;
}

export interface PosableHand {
  root: THREE.Object3D;
  bones: THREE.Object3D[];
}

export async function loadHand(
  side: 'left' | 'right',
  colour: readonly number[],
  shading: ConditioningSpec['shading'],
): Promise<PosableHand> {
  const gltf = await new GLTFLoader().loadAsync(`/hands/${side}.glb`);
  const root = cloneSkinned(gltf.scene);
  const material =
    shading === 'flat' ? new THREE.MeshBasicMaterial({ color: rgb(colour) }) : new THREE.MeshLambertMaterial({ color: rgb(colour) });
  root.traverse((node) => {
    if ((node as THREE.SkinnedMesh).isSkinnedMesh) {
      (node as THREE.SkinnedMesh).material = material;
      node.frustumCulled = false;
    }
  });
  const bones = WEBXR_JOINTS.map((name) => {
    const bone = root.getObjectByName(name);
    if (!bone) throw new Error(`/hands/${side}.glb has no joint "${name}"`);
    return bone;
  });
  return { root, bones };
}

export function poseHand(hand: PosableHand, side: 'left' | 'right', pose: ShotPose['hands']['left']) {
  hand.root.visible = pose.visible;
  if (!pose.visible) return;
  posedModelJoints({ fingers: pose.fingers }, side).forEach((j, i) => {
    const bone = hand.bones[i] as THREE.Object3D;
    bone.position.set(...j.position);
    bone.quaternion.set(...j.rotation);
  });
  const place = modelRootTransform(side, { position: pose.wristPosition, rotation: pose.wristRotation });
  hand.root.position.set(...place.position);
  hand.root.quaternion.set(...place.rotation);
  hand.root.updateMatrixWorld(true);
}

/** Read the drawing buffer as RGBA rows top to bottom (WebGL reads bottom-up). */
export function readRgba(
  gl: WebGL2RenderingContext | WebGLRenderingContext,
  width: number,
  height: number,
  out: Uint8Array,
  offset: number,
  row: Uint8Array,
) {
  const pixels = out.subarray(offset, offset + width * height * 4);
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
  const stride = width * 4;
  for (let top = 0, bottom = height - 1; top < bottom; top++, bottom--) {
    row.set(pixels.subarray(top * stride, top * stride + stride));
    pixels.copyWithin(top * stride, bottom * stride, bottom * stride + stride);
    pixels.set(row, bottom * stride);
  }
}

/**
 * Pass 2's scene: both hands in the spec's colours and shading on its background, lit from the
 * camera. The camera is part of the scene (it carries the headlight); render the static pass
 * with it too, after updateMatrixWorld, so both passes are pixel-aligned.
 */
export async function createHandPass(
  spec: ConditioningSpec,
): Promise<{ scene: THREE.Scene; camera: THREE.PerspectiveCamera; hands: Record<'left' | 'right', PosableHand> }> {
  const scene = new THREE.Scene();
  scene.background = rgb(spec.background);
  scene.add(new THREE.AmbientLight(0xffffff, 0.9));
  const headlight = new THREE.DirectionalLight(0xffffff, 1.6);
  const camera = new THREE.PerspectiveCamera(60, spec.width / spec.height, 0.01, 200);
  // A light at the camera shades the hands the same way whatever the shot does.
  camera.add(headlight);
  headlight.position.set(0.3, 0.6, 0);
  scene.add(camera);
  const hands = {
    left: await loadHand('left', spec.handColours.left, spec.shading),
    right: await loadHand('right', spec.handColours.right, spec.shading),
  };
  scene.add(hands.left.root, hands.right.root);
  return { scene, camera, hands };
}

/** Point the camera as a sampled pose says. */
export function placeCamera(camera: THREE.PerspectiveCamera, pose: ShotPose['camera']): void {
  camera.position.set(...pose.position);
  camera.quaternion.set(...pose.rotation);
  camera.fov = pose.fovY;
  camera.updateProjectionMatrix();
  camera.updateMatrixWorld(true);
}

/** A WebGL renderer on its own canvas at exactly the spec's size (pixel ratio 1), keeping its buffer for readback. */
export function createOffscreenRenderer(spec: Pick<ConditioningSpec, 'width' | 'height'>): THREE.WebGLRenderer {
  const canvas = document.createElement('canvas');
  canvas.width = spec.width;
  canvas.height = spec.height;
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(1);
  renderer.setSize(spec.width, spec.height, false);
  return renderer;
}

export async function renderConditioning(
  shot: Shot,
  scenes: LoadedScene[],
  /** modelId: the model the videos are for (its manifest sets size, length, rate, colours); the default model when absent. */
  opts: { onProgress?: (p: RenderProgress) => void; signal?: AbortSignal; modelId?: string | undefined } = {},
): Promise<{ result: RenderResult; timings: RenderTimings }> {
  const started = performance.now();
  const { renderId, spec } = await api.invoke('render.begin', {
    shotId: shot.id,
    pngs: true,
    ...(opts.modelId ? { modelId: opts.modelId } : {}),
  });
  // The same frame-to-shot mapping main used for poses.json.
  const poseAt = conditioningSampler(shot, spec);
  // The length comes from the model, known only now.
  opts.onProgress?.({ frame: 0, frames: spec.frames });
  const timings: RenderTimings = { frames: spec.frames, scenePassMs: 0, handPassMs: 0, readbackMs: 0, encodeMs: 0, totalMs: 0 };
  const probe = new Uint8Array(4);
  // A one-pixel read waits for the GPU to finish a pass, so pass and readback times are separate.
  const timed = (gl: WebGLRenderingContext | WebGL2RenderingContext, draw: () => void) => {
    const t = performance.now();
    draw();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, probe);
    return performance.now() - t;
  };
  const renderer = createOffscreenRenderer(spec);
  try {
    const staticScene = await buildStaticScene(renderer, scenes);
    const { scene: handScene, camera, hands } = await createHandPass(spec);
    const gl = renderer.getContext();
    const size = spec.width * spec.height * 4;
    const row = new Uint8Array(spec.width * 4);
    for (let frame = 0; frame < spec.frames; frame++) {
      if (opts.signal?.aborted) throw new DOMException('The render was cancelled', 'AbortError');
      const pose = poseAt(frame);
      placeCamera(camera, pose.camera);
      const bytes = new Uint8Array(2 * size);
      timings.scenePassMs += timed(gl, () => renderer.render(staticScene, camera));
      let t = performance.now();
      readRgba(gl, spec.width, spec.height, bytes, 0, row);
      timings.readbackMs += performance.now() - t;
      poseHand(hands.left, 'left', pose.hands.left);
      poseHand(hands.right, 'right', pose.hands.right);
      timings.handPassMs += timed(gl, () => renderer.render(handScene, camera));
      t = performance.now();
      readRgba(gl, spec.width, spec.height, bytes, size, row);
      timings.readbackMs += performance.now() - t;
      t = performance.now();
      await api.sendRenderFrame(renderId, frame, bytes);
      timings.encodeMs += performance.now() - t;
      opts.onProgress?.({ frame: frame + 1, frames: spec.frames });
    }
    const t = performance.now();
    const result = await api.invoke('render.finish', { renderId });
    timings.encodeMs += performance.now() - t;
    timings.totalMs = performance.now() - started;
    return { result, timings };
  } catch (err) {
    await api.invoke('render.abort', { renderId }).catch(() => {});
    throw err;
  } finally {
    renderer.dispose();
  }
}
