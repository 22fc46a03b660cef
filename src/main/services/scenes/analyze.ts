import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Articulation, Bounds, SceneFormat, SceneStats } from '../../../shared/scene/schema';
import { relativeSlashed } from './companions';
import { detectSceneKind } from './formats/detect';
import { analyzeGltf } from './formats/gltf';
import { analyzeObj } from './formats/obj';
import { analyzePly } from './formats/ply';
import { analyzeSplat } from './formats/splat';
import { analyzeSpz } from './formats/spz';
import { badInput, readFailure } from './scene-errors';
import type { CompanionReference, FormatResult } from './scene-types';

export interface SceneAnalysis {
  format: SceneFormat;
  stats: SceneStats;
  /** In the file's own units and axes (glTF: world space of its default scene). */
  bounds: Bounds;
  articulations: Articulation[];
  /** Files the main file needs, each once; `relative` is from the main file's folder, '/'-separated, and may climb out with '..'. */
  companions: { absolute: string; relative: string }[];
}

/** The analysis plus every statement that names a companion, which the importer needs to rewrite references. */
export interface SceneAnalysisDetail extends SceneAnalysis {
  /** Absolute, resolved path of the main file. */
  file: string;
  references: CompanionReference[];
}

/**
 * Read a scene file far enough to know what it is, how big, and what it needs, without
 * changing anything. The format comes from the content; errors are ApiErrors whose message
 * starts with the file path.
 */
export async function analyzeSceneFile(fileInput: string): Promise<SceneAnalysisDetail> {
  const file = path.resolve(fileInput);
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) throw badInput(file, 'is a folder, not a scene file');
    size = stat.size;
    // Open once up front so an unreadable file is reported as such, not as a format problem.
    await (await fs.open(file, 'r')).close();
  } catch (err) {
    throw readFailure(file, err);
  }
  if (size === 0) throw badInput(file, 'the file is empty (0 bytes)');

  let result: FormatResult;
  try {
    const kind = await detectSceneKind(file, size);
    switch (kind) {
      case 'glb':
      case 'gltf':
        result = await analyzeGltf(file, kind, size);
        break;
      case 'obj':
        result = await analyzeObj(file);
        break;
      case 'ply':
        result = await analyzePly(file, size);
        break;
      case 'splat':
        result = await analyzeSplat(file, size);
        break;
      case 'spz':
        result = await analyzeSpz(file);
        break;
    }
  } catch (err) {
    throw readFailure(file, err);
  }

  const dir = path.dirname(file);
  const seen = new Set<string>();
  const companions: SceneAnalysis['companions'] = [];
  for (const ref of result.references) {
    if (ref.target === file || seen.has(ref.target)) continue;
    seen.add(ref.target);
    companions.push({ absolute: ref.target, relative: relativeSlashed(dir, ref.target) });
  }
  return {
    file,
    format: result.format,
    stats: result.stats,
    bounds: result.bounds,
    articulations: result.articulations,
    companions,
    references: result.references,
  };
}
