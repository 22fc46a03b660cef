import * as THREE from 'three';
import type { ShotPose } from '../../../shared/animation/sample';
import type { Vec3 } from '../../../shared/animation/schema';
import { sampleConditioningFrames } from '../../../shared/conditioning/shot-frames';
import type { Articulation } from '../../../shared/scene/schema';
import { followJoint } from '../../../shared/shot/part-follow';
import { type ClipMetaInput, type ClipSetSize, clipName } from '../../../shared/synth/clip-meta';
import { clipPrompt, clipSeedOf, clipTiming, planClip } from '../../../shared/synth/clip-plan';
import { api } from '../api';
import { articulationTarget } from '../timeline/grasp-helper';
import {
  buildStaticScene,
  createHandPass,
  createOffscreenRenderer,
  type LoadedScene,
  loadHand,
  type PosableHand,
  placeCamera,
  poseHand,
  readRgba,
  SCENE_LIGHTS,
} from './render-conditioning';

/**
 * Synthetic training clips from a scene's articulated parts (drawers, doors, lids, liftable
 * objects), the way the DWM reference built its synthetic set: one camera path per clip,
 * drawn four times per frame — the interaction
 * (part following the grasping hand, skin-coloured hands lit by the scene's lights), the
 * static scene (part at rest, no hands), the hands exactly as the conditioning renderer's
 * hand pass draws them, and a mask of the moving part. Main encodes and writes the set.
 */

/** Hands in the interaction video: one skin tone, shaded by the scene's own lights. */
export const SKIN_RGB = [224, 172, 140] as const;

export interface TrainingClipsProgress {
  clip: number;
  clips: number;
  frame: number;
  frames: number;
}

export interface TrainingClipsOptions {
  /** Names and meta: the procedural room's seed (0 for the sample room). */
  roomSeed: number;
  /** Clip seeds derive from this and the clip index (the room seed when not given). */
  seed?: number;
  /** Either a fixed number of clips cycling through the parts, or so many per part. */
  clips?: number;
  clipsPerPart?: number;
  size?: ClipSetSize;
  signal?: AbortSignal;
  onProgress?: (p: TrainingClipsProgress) => void;
}

interface Part {
  articulation: Articulation;
  node: THREE.Object3D;
  maskNode: THREE.Object3D;
  restPosition: THREE.Vector3;
  restQuaternion: THREE.Quaternion;
  /** World metres per file unit along the joint (the scene's placement scale). */
  unitScale: number;
}

/** Which part each clip shows: so many clips per part, or `clips` clips cycling from a seeded start. */
export function clipJobs(parts: number, opts: { roomSeed: number; seed: number; clips?: number; clipsPerPart?: number }) {
  if (parts === 0) return [];
  if (opts.clipsPerPart !== undefined) {
    return Array.from({ length: parts * opts.clipsPerPart }, (_, i) => ({ index: i, part: Math.floor(i / (opts.clipsPerPart as number)) }));
  }
  const start = clipSeedOf(opts.seed, 9999) % parts;
  return Array.from({ length: opts.clips ?? parts }, (_, i) => ({ index: i, part: (start + i) % parts }));
}

/** Put a part at joint value `value` (file units / radians) from its rest transform. */
function setJoint(node: THREE.Object3D, part: Part, value: number): void {
  const a = part.articulation;
  const axis = new THREE.Vector3(...a.axis);
  if (a.type === 'prismatic') {
    node.position.copy(part.restPosition).addScaledVector(axis, value);
    node.quaternion.copy(part.restQuaternion);
  } else {
    const turn = new THREE.Quaternion().setFromAxisAngle(axis, value);
    const origin = new THREE.Vector3(...a.origin);
    node.position.copy(part.restPosition).sub(origin).applyQuaternion(turn).add(origin);
    node.quaternion.copy(turn).multiply(part.restQuaternion);
  }
  node.updateMatrixWorld(true);
}

const BLACK = new THREE.MeshBasicMaterial({ color: 0x000000 });
const WHITE = new THREE.MeshBasicMaterial({ color: 0xffffff });

/** The mask scene: everything black (it still hides what is behind it), the part white. */
function paintMask(root: THREE.Object3D, part: THREE.Object3D): void {
  root.traverse((o) => {
    if ((o as THREE.Mesh).isMesh) (o as THREE.Mesh).material = BLACK;
  });
  part.traverse((o) => {
    if ((o as THREE.Mesh).isMesh) (o as THREE.Mesh).material = WHITE;
  });
}

export async function renderTrainingClips(
  loaded: LoadedScene,
  opts: TrainingClipsOptions,
): Promise<{ dir: string; clips: number; totalMs: number }> {
  const started = performance.now();
  const seed = opts.seed ?? opts.roomSeed;
  const { setId, spec } = await api.invoke('synth.begin', opts.size ?? {});
  const renderer = createOffscreenRenderer(spec);
  try {
    const scene = await buildStaticScene(renderer, [{ ...loaded, asset: { ...loaded.asset, visible: true } }]);
    const root = scene.children.find((c) => c instanceof THREE.Group) as THREE.Group;
    const sky = scene.getObjectByName('dwm-hemisphere') as THREE.HemisphereLight;
    const sun = scene.getObjectByName('dwm-sun') as THREE.DirectionalLight;
    const maskScene = new THREE.Scene();
    maskScene.background = new THREE.Color(0, 0, 0);
    const maskRoot = root.clone(true);
    maskScene.add(maskRoot);
    maskScene.updateMatrixWorld(true);
    const parts: Part[] = loaded.asset.articulations.flatMap((articulation) => {
      const node = root.getObjectByName(articulation.node);
      const maskNode = maskRoot.getObjectByName(articulation.node);
      if (!node?.parent || !maskNode) return [];
      return [
        {
          articulation,
          node,
          maskNode,
          restPosition: node.position.clone(),
          restQuaternion: node.quaternion.clone(),
          unitScale: node.parent.matrixWorld.getMaxScaleOnAxis(),
        },
      ];
    });
    if (parts.length === 0) throw new Error(`${loaded.asset.name} has no articulated parts to open`);
    const jobs = clipJobs(parts.length, {
      roomSeed: opts.roomSeed,
      seed,
      ...(opts.clips !== undefined ? { clips: opts.clips } : {}),
      ...(opts.clipsPerPart !== undefined ? { clipsPerPart: opts.clipsPerPart } : {}),
    });
    // The camera may start anywhere on the floor, kept 30 cm off the walls.
    const bounds = new THREE.Box3().setFromObject(root);
    const floor = {
      min: [bounds.min.x + 0.3, bounds.min.z + 0.3] as [number, number],
      max: [bounds.max.x - 0.3, bounds.max.z - 0.3] as [number, number],
    };
    const skin: Record<'left' | 'right', PosableHand> = {
      left: await loadHand('left', SKIN_RGB, 'lambert'),
      right: await loadHand('right', SKIN_RGB, 'lambert'),
    };
    scene.add(skin.left.root, skin.right.root);
    const handPass = await createHandPass(spec);
    const { camera } = handPass;
    const gl = renderer.getContext();
    const size = spec.width * spec.height * 4;
    const row = new Uint8Array(spec.width * 4);
    const maskA = new Uint8Array(size);
    const maskB = new Uint8Array(size);

    for (const [n, job] of jobs.entries()) {
      const part = parts[job.part] as Part;
      const a = part.articulation;
      const target = articulationTarget(root, a);
      if (!target) throw new Error(`${a.node}: the part is not in the loaded scene`);
      const clip = clipName(opts.roomSeed, job.index);
      const clipSeed = clipSeedOf(seed, job.index);
      const plan = planClip({ clip, clipSeed, frames: spec.frames, fps: spec.fps, sceneId: loaded.asset.id, target, floor });
      const poses: ShotPose[] = sampleConditioningFrames(plan.shot, spec);
      const s = a.type === 'prismatic' ? part.unitScale : 1;
      const jointWorld = followJoint(
        a.type === 'prismatic'
          ? { type: 'prismatic', axis: (target.motion as { axis: Vec3 }).axis, limits: [a.limits[0] * s, a.limits[1] * s] }
          : { type: 'revolute', axis: target.motion.axis, origin: (target.motion as { origin: Vec3 }).origin, limits: a.limits },
        poses.map((p) => p.hands[plan.side].wristPosition),
        plan.timing,
      );
      const joint = jointWorld.map((v) => v / s);
      const rest = Math.min(a.limits[1], Math.max(a.limits[0], 0));
      const lights = {
        hemisphereIntensity: SCENE_LIGHTS.hemisphere * plan.lights.hemisphereIntensity,
        sunIntensity: SCENE_LIGHTS.sun * plan.lights.sunIntensity,
        sunDirection: plan.lights.sunDirection,
      };
      sky.intensity = lights.hemisphereIntensity;
      sun.intensity = lights.sunIntensity;
      sun.position.set(...(lights.sunDirection.map((c) => c * 10) as Vec3));
      sun.updateMatrixWorld(true);
      paintMask(maskRoot, part.maskNode);
      const kind = plan.kind;
      const label = a.label ?? a.node;
      const meta: ClipMetaInput = {
        clip,
        roomSeed: opts.roomSeed,
        clipSeed,
        part: { node: a.node, label, kind, type: a.type },
        side: plan.side,
        fovY: plan.fovY,
        timing: clipTiming(kind, plan.timing),
        joint,
        lights,
        camera: poses.map((p) => p.camera),
        prompt: clipPrompt(plan.side, kind, label),
      };
      const { clipId } = await api.invoke('synth.clip', { setId, meta });
      for (let frame = 0; frame < spec.frames; frame++) {
        if (opts.signal?.aborted) throw new DOMException('Generating training clips was cancelled', 'AbortError');
        const pose = poses[frame] as ShotPose;
        placeCamera(camera, pose.camera);
        const bytes = new Uint8Array(4 * size);
        // 1. interaction: the part where the hand has moved it, skin hands in the scene's light.
        setJoint(part.node, part, joint[frame] as number);
        poseHand(skin.left, 'left', pose.hands.left);
        poseHand(skin.right, 'right', pose.hands.right);
        renderer.render(scene, camera);
        readRgba(gl, spec.width, spec.height, bytes, 0, row);
        // 2. static: the part at rest, no hands.
        setJoint(part.node, part, rest);
        skin.left.root.visible = false;
        skin.right.root.visible = false;
        renderer.render(scene, camera);
        readRgba(gl, spec.width, spec.height, bytes, size, row);
        // 3. hands: exactly the conditioning renderer's hand pass.
        poseHand(handPass.hands.left, 'left', pose.hands.left);
        poseHand(handPass.hands.right, 'right', pose.hands.right);
        renderer.render(handPass.scene, camera);
        readRgba(gl, spec.width, spec.height, bytes, 2 * size, row);
        // 4. mask: the part where it is now or where it rests, whichever shows (hands never hide it).
        setJoint(part.maskNode, part, joint[frame] as number);
        renderer.render(maskScene, camera);
        readRgba(gl, spec.width, spec.height, maskA, 0, row);
        setJoint(part.maskNode, part, rest);
        renderer.render(maskScene, camera);
        readRgba(gl, spec.width, spec.height, maskB, 0, row);
        const mask = bytes.subarray(3 * size);
        for (let i = 0; i < size; i += 4) {
          // Antialiased edges are grey: a pixel belongs to the part when it is mostly the part.
          const v = (maskA[i] as number) > 127 || (maskB[i] as number) > 127 ? 255 : 0;
          mask[i] = v;
          mask[i + 1] = v;
          mask[i + 2] = v;
          mask[i + 3] = 255;
        }
        await api.sendRenderFrame(clipId, frame, bytes);
        opts.onProgress?.({ clip: n + 1, clips: jobs.length, frame: frame + 1, frames: spec.frames });
      }
      setJoint(part.node, part, rest);
      await api.invoke('synth.clipFinish', { clipId });
    }
    const result = await api.invoke('synth.finish', { setId });
    return { ...result, totalMs: performance.now() - started };
  } catch (err) {
    await api.invoke('synth.abort', { setId }).catch(() => {});
    throw err;
  } finally {
    renderer.dispose();
  }
}
