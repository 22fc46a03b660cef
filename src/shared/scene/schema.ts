import { z } from 'zod';

/**
 * A scanned room or any other static scene imported into a project. The file and its
 * companions (textures, .mtl, .bin) are copied under scenes/<id>/; what the importer
 * measured (counts, bounds in the file's own units and axes) is stored with it, and the
 * placement says how the file maps into the studio's world (metres, Y up).
 */

export const SceneFormat = z.enum([
  'glb',
  'gltf',
  'obj',
  /** PLY with faces. */
  'ply-mesh',
  /** PLY with vertices only: a coloured point cloud. */
  'ply-points',
  /** PLY written by 3DGS/gsplat/nerfstudio: one Gaussian per vertex (f_dc_*, opacity, scale_*, rot_*). */
  'ply-gaussians',
  /** antimatter15 .splat: 32 bytes per Gaussian. */
  'splat',
  /** Niantic .spz: gzip-compressed Gaussians. */
  'spz',
]);
export type SceneFormat = z.infer<typeof SceneFormat>;

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
export type Vec3 = z.infer<typeof Vec3>;

export const Bounds = z
  .object({ min: Vec3, max: Vec3 })
  .refine((b) => b.min.every((v, i) => v <= (b.max[i] as number)), { message: 'min must not exceed max on any axis', path: ['max'] });
export type Bounds = z.infer<typeof Bounds>;

export const SceneStats = z.object({
  triangles: z.int().min(0),
  /** Points of a point cloud (not mesh vertices). */
  points: z.int().min(0),
  splats: z.int().min(0),
  meshes: z.int().min(0),
  materials: z.int().min(0),
  textures: z.int().min(0),
});
export type SceneStats = z.infer<typeof SceneStats>;

/** A movable part found in the scene: from glTF node extras `{ "dwm": { "joint": {...} } }`. */
export const Articulation = z.object({
  /** glTF node name; unique within the scene. */
  node: z.string(),
  type: z.enum(['prismatic', 'revolute']),
  /** Unit axis in the node's parent space. */
  axis: Vec3.refine((a) => Math.abs(Math.hypot(...a) - 1) < 1e-3, 'the axis must be a unit vector'),
  /** A point on the axis (revolute hinge) or the part's rest position (prismatic), parent space. */
  origin: Vec3,
  /** Metres for prismatic, radians for revolute. */
  limits: z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'limits must be [lower, upper]'),
  /** Where a hand grasps the part (handle centre), parent space; absent when the file does not say. */
  handle: Vec3.optional(),
  label: z.string().optional(),
});
export type Articulation = z.infer<typeof Articulation>;

export const Placement = z.object({
  /** Metres per file unit: 1 for metres, 0.01 for centimetres, 0.001 for millimetres. */
  unitScale: z.number().positive().max(1000),
  /** Which file axis points up. Scanners and photogrammetry tools often write Z up. */
  upAxis: z.enum(['y', 'z']),
  /** Move the scene so its footprint is centred on the origin and its lowest point sits on the floor (y = 0). */
  recenter: z.boolean(),
});
export type Placement = z.infer<typeof Placement>;

export const DEFAULT_PLACEMENT: Placement = { unitScale: 1, upAxis: 'y', recenter: false };

/** A path inside the project: relative, '/'-separated, never climbing out. */
const ProjectPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p) && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the project',
  });

export const SceneAsset = z
  .object({
    id: z.uuid(),
    name: z.string().min(1).max(200),
    format: SceneFormat,
    /** The main file, relative to the project folder, '/'-separated. */
    file: ProjectPath,
    /** Every file copied for this scene (main file first), relative to the project folder. */
    files: z.array(ProjectPath).min(1),
    sizeBytes: z.int().min(0),
    stats: SceneStats,
    /** In the file's own units and axes, before placement. */
    bounds: Bounds,
    articulations: z.array(Articulation).default([]),
    placement: Placement,
    visible: z.boolean().default(true),
    importedAt: z.iso.datetime({ offset: true }),
    /** Where the file came from, for the record. */
    source: z.string(),
  })
  .refine((s) => s.files[0] === s.file, { message: 'files must start with the main file', path: ['files', 0] });
export type SceneAsset = z.infer<typeof SceneAsset>;
