import type { Shot, Vec3 } from '../animation/schema';
import { mulberry32 } from '../random';
import type { PartKind } from '../scene/part-kind';
import { createShot } from '../shot/create-shot';
import { approachCamera, defaultTiming, type GraspTarget, type GraspTiming, graspAndOpen, motionKind } from '../shot/grasp-and-open';
import type { ClipLights, ClipTiming } from './clip-meta';

/**
 * One synthetic clip's random choices, all drawn from its seed (same seed, same clip): which
 * hand, when each beat happens, how far the part opens, where the camera starts and how it
 * sees, and the lights. The result is an ordinary shot (grasp-and-open and approach-camera
 * keys), so the clip is sampled exactly like any conditioning render.
 */

/** A clip's random draws: mulberry32, the same in every JavaScript engine. */
export const seededRandom = mulberry32;

/** A clip's seed from the set's seed (the room seed on the command line) and the clip's index. */
export function clipSeedOf(baseSeed: number, index: number): number {
  let h = (Math.imul(baseSeed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface ClipPlanInput {
  clip: string;
  clipSeed: number;
  frames: number;
  fps: number;
  sceneId: string | null;
  /** The part's handle, front and full motion (world space). */
  target: GraspTarget;
  /** The walkable floor (world x/z) the camera may start in. */
  floor: { min: [number, number]; max: [number, number] };
}

export interface ClipPlan {
  shot: Shot;
  /** What the hand does with the part (from its motion). */
  kind: PartKind;
  side: 'left' | 'right';
  timing: GraspTiming;
  fovY: number;
  /** Fraction of the part's motion the keys open it by, [0.5, 1]. */
  amount: number;
  arriveAt: number;
  from: Vec3;
  lights: ClipLights;
}

export type { PartKind };

const between = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();

/** The default beats of the kind, each moved by up to two frames, still in order and inside the clip. */
export function jitterTiming(frames: number, r: () => number, kind: PartKind = 'drawer'): GraspTiming {
  const base = defaultTiming(frames, kind);
  const order = (
    base.setDown === undefined
      ? ['reach', 'preGrasp', 'grasp', 'pulled', 'release']
      : ['reach', 'preGrasp', 'grasp', 'pulled', 'setDown', 'release']
  ) as readonly (keyof GraspTiming)[];
  const t = order.map((k) => (base[k] as number) + Math.round(between(r, -2.49, 2.49)));
  for (let i = 0; i < t.length; i++) t[i] = Math.max(t[i] as number, i === 0 ? 0 : (t[i - 1] as number) + 1);
  for (let i = t.length - 1; i >= 0; i--) t[i] = Math.min(t[i] as number, i === t.length - 1 ? frames - 1 : (t[i + 1] as number) - 1);
  return Object.fromEntries(order.map((k, i) => [k, Math.max(0, t[i] as number)])) as unknown as GraspTiming;
}

/** A camera start 1-2.5 m from the handle, in front of the part, on the floor; the nearest fallback straight in front. */
function cameraStart(input: ClipPlanInput, r: () => number): Vec3 {
  const { handle, front } = input.target;
  const flat = Math.hypot(front[0], front[2]) || 1;
  const f: [number, number] = [front[0] / flat, front[2] / flat];
  const inside = (x: number, z: number) =>
    x >= input.floor.min[0] && x <= input.floor.max[0] && z >= input.floor.min[1] && z <= input.floor.max[1];
  for (let attempt = 0; attempt < 64; attempt++) {
    const distance = between(r, 1, 2.5);
    // Within 70 degrees of straight in front, so the part is never seen through its own furniture.
    const turn = between(r, -1.22, 1.22);
    const dx = f[0] * Math.cos(turn) - f[1] * Math.sin(turn);
    const dz = f[0] * Math.sin(turn) + f[1] * Math.cos(turn);
    const x = handle[0] + dx * distance;
    const z = handle[2] + dz * distance;
    if (inside(x, z)) return [x, 0, z];
  }
  const clampTo = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return [
    clampTo(handle[0] + f[0], input.floor.min[0], input.floor.max[0]),
    0,
    clampTo(handle[2] + f[1], input.floor.min[1], input.floor.max[1]),
  ];
}

function randomLights(r: () => number): ClipLights {
  const azimuth = between(r, 0, 2 * Math.PI);
  const elevation = between(r, (25 * Math.PI) / 180, (75 * Math.PI) / 180);
  return {
    hemisphereIntensity: between(r, 0.6, 1.4),
    sunIntensity: between(r, 0.6, 1.4),
    sunDirection: [Math.cos(elevation) * Math.cos(azimuth), Math.sin(elevation), Math.cos(elevation) * Math.sin(azimuth)],
  };
}

/** Scale a part's motion to `amount` of it. */
function partial(target: GraspTarget, amount: number): GraspTarget {
  const m = target.motion;
  return {
    ...target,
    motion: m.type === 'prismatic' ? { ...m, distance: m.distance * amount } : { ...m, angle: m.angle * amount },
  };
}

export function planClip(input: ClipPlanInput): ClipPlan {
  const r = seededRandom(input.clipSeed);
  const kind = motionKind(input.target.motion);
  // Draw order is fixed, so adding a draw at the end never changes earlier choices.
  const side: 'left' | 'right' = r() < 0.5 ? 'left' : 'right';
  const timing = jitterTiming(input.frames, r, kind);
  const amount = between(r, 0.5, 1);
  const arriveAt = Math.min(input.frames - 1, 6 + Math.floor(r() * 7));
  const eyeOffset = between(r, -0.12, 0.12);
  const fovY = between(r, 55, 75);
  const from = cameraStart(input, r);
  const lights = randomLights(r);
  let n = 0;
  const newId = () => `k${(n++).toString(36)}`;
  let shot = createShot({
    id: '00000000-0000-4000-8000-000000000000',
    name: input.clip,
    frames: input.frames,
    fps: input.fps,
    sceneId: input.sceneId,
    newKeyId: newId,
  });
  const target = partial(input.target, amount);
  shot = approachCamera(shot, target, { from, arriveAt, newId, fovY, eyeOffset });
  shot = graspAndOpen(shot, { side, target, timing, newId });
  return { shot, kind, side, timing, fovY, amount, arriveAt, from, lights };
}

/** The beats as meta/<clip>.json names them: drawers and doors are pulled open, lids lifted open, objects lifted and set down. */
export function clipTiming(kind: PartKind, t: GraspTiming): ClipTiming {
  const start = { reach: t.reach, preGrasp: t.preGrasp, grasp: t.grasp };
  if (kind === 'lift') return { ...start, lifted: t.pulled, setDown: t.setDown ?? t.release - 1, release: t.release };
  if (kind === 'lid') return { ...start, lifted: t.pulled, release: t.release };
  return { ...start, pulled: t.pulled, release: t.release };
}

/** One sentence for prompts_rewrite/<clip>.txt. */
export function clipPrompt(side: 'left' | 'right', kind: PartKind, label: string): string {
  const what = label.trim().toLowerCase();
  if (kind === 'door') return `The ${side} hand reaches for the ${what}, grasps its handle and swings it open.`;
  if (kind === 'lid') return `The ${side} hand reaches for the ${what}, grasps its front edge and lifts it open.`;
  if (kind === 'lift') return `The ${side} hand reaches for the ${what}, lifts it up and puts it back down.`;
  return `The ${side} hand reaches for the ${what}, grasps its handle and pulls it open.`;
}
