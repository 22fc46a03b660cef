import { HTTP_UPLOAD_PREFIX } from '../../../shared/api/wire';

/** Scene files the studio imports; anything else dropped with them is a companion (textures, .bin, .mtl). */
export const SCENE_EXTENSIONS = ['glb', 'gltf', 'obj', 'ply', 'splat', 'spz'];

export function pickMainSceneFile(names: string[]): string | null {
  // The first scene extension found wins, in this list's order (glb before its .bin, etc.).
  for (const ext of SCENE_EXTENSIONS) {
    const hit = names.find((n) => n.toLowerCase().endsWith(`.${ext}`));
    if (hit) return hit;
  }
  return null;
}

/**
 * Send files to the web host's staging area, one PUT per file (streamed, no multipart
 * parsing), reporting the fraction of bytes sent. Returns the upload id for scene.importUpload.
 */
export async function uploadFiles(files: File[], onProgress: (fraction: number) => void): Promise<string> {
  const uploadId = crypto.randomUUID();
  const total = files.reduce((sum, f) => sum + f.size, 0) || 1;
  let sent = 0;
  for (const file of files) {
    const response = await fetch(`${HTTP_UPLOAD_PREFIX}${uploadId}/${encodeURIComponent(file.name)}`, {
      method: 'PUT',
      body: file,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const body = (await response.json().catch(() => null)) as { ok: boolean; error?: { message: string } } | null;
    if (!response.ok || !body?.ok) throw new Error(body?.error?.message ?? `Upload of ${file.name} failed (HTTP ${response.status})`);
    sent += file.size;
    onProgress(sent / total);
  }
  return uploadId;
}
