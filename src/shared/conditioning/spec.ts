import { z } from 'zod';

/**
 * What the conditioning videos must look like for one model: size, length, frame rate, the
 * hand-video background and hand colours, and how the hands are shaded.
 *
 * These values belong to the model bundle's manifest (DESIGN.md: "the colours and background
 * belong to the model bundle, not to code"). DEFAULT_CONDITIONING_SPEC is used until a bundle
 * gives its own; nothing else should hard-code them.
 */

const Channel = z.int().min(0).max(255);
/** An sRGB colour, 0-255 per channel. */
export const Rgb = z.tuple([Channel, Channel, Channel]);
export type Rgb = z.infer<typeof Rgb>;

/** H.264 in yuv420p stores chroma per 2x2 block, so odd sizes cannot be encoded. */
const EvenPixels = z
  .int()
  .min(16)
  .max(8192)
  .refine((n) => n % 2 === 0, 'must be an even number of pixels (yuv420p video stores colour per 2x2 block)');

export const ConditioningSpec = z.object({
  width: EvenPixels,
  height: EvenPixels,
  frames: z.int().min(1).max(10_000),
  fps: z.number().positive().max(1000),
  /** Background of the hand video (the static video shows the scene everywhere). */
  background: Rgb,
  handColours: z.object({ left: Rgb, right: Rgb }),
  /** 'lambert': diffuse shading as in the reference renders; 'flat': one colour per hand (synthetic data). */
  shading: z.enum(['lambert', 'flat']),
  /** Vertical field of view, degrees, for shots that do not animate their own. */
  fovYDefault: z.number().gt(0).lt(180),
});
export type ConditioningSpec = z.infer<typeof ConditioningSpec>;

/**
 * The reference implementation's real-data look (snuvclab/dwm, HaMeR meshes rendered on black),
 * measured on ../shared/dwm-samples: the median lit hand pixel is about (148, 235, 149) for the
 * left hand (00017) and (227, 113, 116) for the right (00055), so the right hand is a more
 * saturated red than a mirror of the green would suggest.
 *
 * fovYDefault: the reference synthetic renders use a 90 degree (horizontal) field of view; at
 * 720x480 that is 2 atan(tan(45 deg) * 480 / 720) = 67.38 degrees vertically. The real
 * recordings come from head-mounted glasses whose field of view is not published per sample.
 */
export const DEFAULT_CONDITIONING_SPEC: ConditioningSpec = deepFreeze({
  width: 720,
  height: 480,
  frames: 49,
  fps: 8,
  background: [0, 0, 0],
  handColours: { left: [150, 235, 150], right: [230, 115, 115] },
  shading: 'lambert',
  fovYDefault: 67.38,
});

/** The default is shared by every caller: frozen, so nobody changes it for everyone by accident. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
