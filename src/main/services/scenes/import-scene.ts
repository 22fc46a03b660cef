import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError, formatIssuePath } from '../../../shared/api/errors';
import { DEFAULT_PLACEMENT, SceneAsset } from '../../../shared/scene/schema';
import { analyzeSceneFile, type SceneAnalysisDetail } from './analyze';
import { referenceToPath } from './companions';
import { writeGlbCopy, writeGltfCopy, writeMtlCopy, writeObjCopy } from './rewrite-references';
import { badInput } from './scene-errors';
import type { CompanionReference } from './scene-types';

/** Prefix of the folder an import is assembled in; a folder with it is never a finished scene. */
export const IMPORTING_PREFIX = '.importing-';

/**
 * Copy a scene file and its companions into `<project>/scenes/<id>/` and describe it.
 *
 * The file is analysed first, so nothing is written for a file that cannot be used. The
 * copy is assembled in `scenes/.importing-<id>/` and renamed into place in one step; on any
 * failure that folder is removed. Companions keep their layout relative to the main file
 * when they sit at or below its folder; ones reached through '..' or an absolute path are
 * copied flat beside the main file and the reference is rewritten in the copy only (glTF
 * uri, GLB JSON chunk, OBJ mtllib, MTL texture paths). The source files are only read.
 */
export async function importSceneFiles(
  projectDir: string,
  sourceFile: string,
  opts: { name?: string; now?: Date } = {},
): Promise<SceneAsset> {
  const source = path.resolve(sourceFile);
  const name = chooseName(source, opts.name);
  const analysis = await analyzeSceneFile(source);

  const id = randomUUID();
  const scenesDir = path.join(path.resolve(projectDir), 'scenes');
  const staging = path.join(scenesDir, `${IMPORTING_PREFIX}${id}`);
  const finalDir = path.join(scenesDir, id);
  const layout = planLayout(analysis);

  try {
    await fs.mkdir(scenesDir, { recursive: true });
    await fs.mkdir(staging);
    await copyFiles(analysis, layout, staging);
    let sizeBytes = 0;
    const files: string[] = [];
    for (const [, rel] of layout) {
      sizeBytes += (await fs.stat(path.join(staging, ...rel.split('/')))).size;
      files.push(`scenes/${id}/${rel}`);
    }
    const parsed = SceneAsset.safeParse({
      id,
      name,
      format: analysis.format,
      file: files[0],
      files,
      sizeBytes,
      stats: analysis.stats,
      bounds: analysis.bounds,
      articulations: analysis.articulations,
      placement: { ...DEFAULT_PLACEMENT },
      visible: true,
      importedAt: (opts.now ?? new Date()).toISOString(),
      source,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue ? formatIssuePath(issue.path) : '';
      throw new ApiError('INTERNAL', `${source}: the imported scene failed validation at "${field}": ${issue?.message}`, {
        file: source,
        field,
      });
    }
    await fs.rename(staging, finalDir);
    return parsed.data;
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
    if (err instanceof ApiError) throw err;
    throw new ApiError('IO', `${source}: could not be copied into ${scenesDir} (${(err as Error).message})`, { file: source });
  }
}

function chooseName(source: string, requested: string | undefined): string {
  if (requested !== undefined) {
    const name = requested.trim();
    if (name.length < 1 || name.length > 200) throw badInput(source, 'the scene name must be 1 to 200 characters', 'name');
    return name;
  }
  const base = path.basename(source);
  const stem = path.basename(source, path.extname(source));
  return (stem || base).slice(0, 200);
}

/**
 * Where each file goes, relative to the scene folder ('/'-separated), main file first.
 * Flattened names are made unique ignoring case, since projects move between file systems.
 */
function planLayout(analysis: SceneAnalysisDetail): Map<string, string> {
  const layout = new Map<string, string>([[analysis.file, path.basename(analysis.file)]]);
  const taken = new Set([path.basename(analysis.file).toLowerCase()]);
  const flat: string[] = [];
  for (const c of analysis.companions) {
    if (c.relative.startsWith('../') || c.relative === '..' || path.isAbsolute(c.relative) || /^[a-zA-Z]:/.test(c.relative)) {
      flat.push(c.absolute);
    } else {
      layout.set(c.absolute, c.relative);
      taken.add(c.relative.toLowerCase());
    }
  }
  for (const absolute of flat) {
    const ext = path.extname(absolute);
    const stem = path.basename(absolute, ext);
    let candidate = `${stem}${ext}`;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${ext}`;
    taken.add(candidate.toLowerCase());
    layout.set(absolute, candidate);
  }
  // Keep the analysis order (main, then companions as found) rather than inside-first.
  const ordered = new Map<string, string>([[analysis.file, layout.get(analysis.file) as string]]);
  for (const c of analysis.companions) ordered.set(c.absolute, layout.get(c.absolute) as string);
  return ordered;
}

/** How a reference must be spelt in the copy, or null when the written one still works. */
function newSpelling(ref: CompanionReference, layout: Map<string, string>): string | null {
  const fromDest = layout.get(ref.from);
  const targetDest = layout.get(ref.target);
  if (fromDest === undefined || targetDest === undefined) return null;
  // Both sides are relative to the scene folder, so this is a '/'-separated path without '..'s climbing out.
  const wanted = path.posix.relative(path.posix.dirname(fromDest), targetDest);
  const style = ref.kind.startsWith('gltf') ? 'uri' : 'plain';
  if (path.posix.normalize(referenceToPath(ref.uri, style)) === wanted) return null;
  return style === 'uri' ? wanted.split('/').map(encodeURIComponent).join('/') : wanted;
}

async function copyFiles(analysis: SceneAnalysisDetail, layout: Map<string, string>, staging: string): Promise<void> {
  for (const [absolute, rel] of layout) {
    const dest = path.join(staging, ...rel.split('/'));
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const refs = analysis.references.filter((r) => r.from === absolute);
    const renames = new Map<CompanionReference, string>();
    for (const ref of refs) {
      const spelt = newSpelling(ref, layout);
      if (spelt !== null) renames.set(ref, spelt);
    }
    if (renames.size === 0) {
      await fs.copyFile(absolute, dest);
      continue;
    }
    const byIndex = (kind: CompanionReference['kind']) => (index: number) =>
      [...renames].find(([r]) => r.kind === kind && r.index === index)?.[1] ?? null;
    const byUri = (kind: CompanionReference['kind']) => (uri: string) =>
      [...renames].find(([r]) => r.kind === kind && r.uri === uri)?.[1] ?? null;
    if (absolute === analysis.file && analysis.format === 'glb') {
      await writeGlbCopy(absolute, dest, byIndex('gltf-buffer'), byIndex('gltf-image'));
    } else if (absolute === analysis.file && analysis.format === 'gltf') {
      await writeGltfCopy(absolute, dest, byIndex('gltf-buffer'), byIndex('gltf-image'));
    } else if (absolute === analysis.file && analysis.format === 'obj') {
      const one = byUri('obj-mtllib');
      // One mtllib line may name several libraries; rename each, or the whole when it is one name with spaces.
      await writeObjCopy(absolute, dest, (spec) => {
        const whole = one(spec);
        if (whole !== null) return whole;
        const parts = spec.split(/\s+/);
        const renamed = parts.map((p) => one(p));
        return renamed.some((r) => r !== null) ? parts.map((p, i) => renamed[i] ?? p).join(' ') : null;
      });
    } else {
      await writeMtlCopy(absolute, dest, byUri('mtl-map'));
    }
  }
}
