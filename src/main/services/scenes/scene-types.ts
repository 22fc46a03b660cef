import type { Articulation, Bounds, SceneFormat, SceneStats } from '../../../shared/scene/schema';

/** Which kind of statement points at a companion file; the importer rewrites each kind differently. */
export type ReferenceKind = 'gltf-buffer' | 'gltf-image' | 'obj-mtllib' | 'mtl-map';

/** One place in one file that names another file. */
export interface CompanionReference {
  kind: ReferenceKind;
  /** Absolute path of the file that holds the reference (the main file or an .mtl). */
  from: string;
  /** The reference exactly as written there (for glTF still percent-encoded). */
  uri: string;
  /** Absolute path it resolves to. */
  target: string;
  /** glTF: index into buffers[] or images[]; unused otherwise. */
  index?: number;
}

/** What a format reader found. */
export interface FormatResult {
  format: SceneFormat;
  stats: SceneStats;
  bounds: Bounds;
  articulations: Articulation[];
  references: CompanionReference[];
}

export function emptyStats(): SceneStats {
  return { triangles: 0, points: 0, splats: 0, meshes: 0, materials: 0, textures: 0 };
}
