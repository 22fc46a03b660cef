import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BoundsAccumulator, finishBounds } from '../bounds-accumulator';
import { resolveCompanion } from '../companions';
import { forEachLine } from '../line-reader';
import { type CompanionReference, emptyStats, type FormatResult } from '../scene-types';
import { parseMtlMapLine } from './mtl';

/**
 * Wavefront OBJ, read line by line without keeping vertices. Bounds cover every `v`
 * position in the file, used by a face or not: exporters rarely leave strays, and keeping
 * a used-vertex table for a multi-million-vertex scan would cost more than it tells.
 */
export async function analyzeObj(file: string): Promise<FormatResult> {
  const acc = new BoundsAccumulator();
  let triangles = 0;
  let points = 0;
  let elements = 0;
  let lineNo = 0;
  const mtllibs: string[] = [];
  const objects = new Set<string>();
  const materialsUsed = new Set<string>();
  let pending = '';

  await forEachLine(file, 0, (raw) => {
    lineNo++;
    // A trailing backslash continues the statement on the next line.
    if (raw.endsWith('\\')) {
      pending += `${raw.slice(0, -1)} `;
      return true;
    }
    const line = pending === '' ? raw : pending + raw;
    pending = '';
    const c0 = line.charCodeAt(0);
    // Fast path for the lines that make up almost all of a big file.
    if (c0 === 118 /* v */ && (line.charCodeAt(1) === 32 || line.charCodeAt(1) === 9)) {
      const w = line.split(/\s+/);
      if (!acc.add(Number(w[1]), Number(w[2]), Number(w[3])))
        acc.noteFirstNonFinite(`vertex ${acc.count + acc.nonFinite} (line ${lineNo})`);
      return true;
    }
    const words = line.trim().split(/\s+/);
    switch (words[0]) {
      case 'v':
        if (!acc.add(Number(words[1]), Number(words[2]), Number(words[3])))
          acc.noteFirstNonFinite(`vertex ${acc.count + acc.nonFinite} (line ${lineNo})`);
        break;
      case 'f': {
        const corners = words.length - 1;
        if (corners >= 3) triangles += corners - 2; // n-gons are drawn as a fan of n - 2 triangles
        elements++;
        break;
      }
      case 'p':
        points += words.length - 1;
        elements++;
        break;
      case 'l':
        elements++;
        break;
      case 'mtllib':
        mtllibs.push(line.trim().slice('mtllib'.length).trim());
        break;
      case 'o':
      case 'g':
        objects.add(words.slice(1).join(' '));
        break;
      case 'usemtl':
        materialsUsed.add(words.slice(1).join(' '));
        break;
    }
    return true;
  });

  // Like three's OBJLoader, a file of bare vertices is shown as a point cloud.
  if (elements === 0) points = acc.count + acc.nonFinite;

  const references: CompanionReference[] = [];
  const mtlFiles: string[] = [];
  for (const spec of mtllibs) {
    for (const name of await splitMtllib(file, spec)) {
      const target = await resolveCompanion(file, name, 'plain');
      references.push({ kind: 'obj-mtllib', from: file, uri: name, target });
      mtlFiles.push(target);
    }
  }
  let textures = 0;
  let materials = 0;
  for (const mtl of mtlFiles) {
    const found = await readMtlReferences(mtl);
    materials += found.materials;
    for (const uri of found.maps) {
      const target = await resolveCompanion(mtl, uri, 'plain', file);
      references.push({ kind: 'mtl-map', from: mtl, uri, target });
    }
    textures += new Set(found.maps).size;
  }

  const stats = {
    ...emptyStats(),
    triangles,
    points,
    meshes: Math.max(objects.size, triangles > 0 ? 1 : 0),
    materials: Math.max(materials, materialsUsed.size),
    textures,
  };
  const bounds = finishBounds(file, acc, stats);
  return { format: 'obj', stats, bounds, articulations: [], references };
}

/**
 * `mtllib a.mtl b.mtl` names several files, but exporters also write one name with spaces.
 * Prefer the whole argument when such a file exists; otherwise split on whitespace.
 */
async function splitMtllib(file: string, spec: string): Promise<string[]> {
  if (spec === '') return [];
  const whole = path.resolve(path.dirname(file), spec.replace(/\\/g, '/'));
  if (/\s/.test(spec) && (await fs.stat(whole).catch(() => null))?.isFile()) return [spec];
  return spec.split(/\s+/);
}

async function readMtlReferences(mtl: string): Promise<{ maps: string[]; materials: number }> {
  const maps: string[] = [];
  let materials = 0;
  await forEachLine(mtl, 0, (line) => {
    if (/^\s*newmtl\s/.test(line)) materials++;
    const statement = parseMtlMapLine(line);
    if (statement) maps.push(statement.path);
    return true;
  });
  return { maps, materials };
}
