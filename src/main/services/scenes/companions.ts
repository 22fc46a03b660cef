import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { badInput, missingCompanion, readFailure } from './scene-errors';

/**
 * How a reference is spelt: glTF uses URIs (percent-encoded, maybe file://), OBJ and MTL use
 * plain paths that Windows exporters write with backslashes.
 */
export type ReferenceStyle = 'uri' | 'plain';

/** The path a reference names, as written, before it is resolved against its folder. */
export function referenceToPath(uri: string, style: ReferenceStyle): string {
  if (style === 'uri') {
    if (/^file:\/\//i.test(uri)) return fileURLToPath(uri);
    try {
      return decodeURIComponent(uri);
    } catch {
      // A stray '%' that is not an escape: take the name literally, as a file system would.
      return uri;
    }
  }
  return uri.replace(/\\/g, '/');
}

/**
 * Resolve a reference made inside `from` and check that it is an existing file; throws
 * BAD_INPUT naming `from` (and the scene file that needs it, when that is another file).
 */
export async function resolveCompanion(from: string, uri: string, style: ReferenceStyle, neededBy?: string): Promise<string> {
  const absolute = path.resolve(path.dirname(from), referenceToPath(uri, style));
  // A scene may only pull in files a scene is made of. A crafted file naming /etc/shadow or
  // ~/.ssh/id_rsa as a "texture" must not get it copied into the project (and so onto the media route).
  const ext = path.extname(absolute).slice(1).toLowerCase();
  if (!COMPANION_EXTENSIONS.has(ext)) {
    throw badInput(from, `references ${uri}, which is not a texture, buffer or material file (.${ext || '(none)'}); refused`);
  }
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(absolute);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw missingCompanion(from, uri, absolute, neededBy);
    }
    throw readFailure(absolute, err);
  }
  if (!stat.isFile()) throw badInput(from, `references ${uri}, which is not a file (${absolute})`);
  return absolute;
}

/** What a companion may be: geometry buffers, material libraries and image formats three.js loads. */
export const COMPANION_EXTENSIONS = new Set([
  'bin',
  'mtl',
  'png',
  'jpg',
  'jpeg',
  'webp',
  'ktx2',
  'basis',
  'gif',
  'bmp',
  'tga',
  'tif',
  'tiff',
  'exr',
  'hdr',
  'avif',
  'dds',
]);

/** Path of `target` relative to `fromDir` with '/' separators; may start with '..' or be absolute on another drive. */
export function relativeSlashed(fromDir: string, target: string): string {
  return path.relative(fromDir, target).split(path.sep).join('/');
}
