import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { type ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../shared/conditioning/spec';
import { CLIP_SET_DEFAULT_SIZE, type ClipIndexEntry, type ClipSetSize } from '../../../shared/synth/clip-meta';
import type { ProjectService } from '../project-service';
import { ClipSetWriter } from './clip-set-writer';

/**
 * Synthetic training clips: the page draws (it has WebGL and the loaded scene), main owns the
 * spec, the encoders and the atomic set folder inside the open project. Frames arrive on the
 * conditioning renders' binary channel, addressed by the clip's id.
 */
export class TrainingClipsService {
  private sets = new Map<string, { writer: ClipSetWriter; projectDir: string }>();
  /** clip id -> set id, for the binary frame channel. */
  private clips = new Map<string, string>();

  constructor(private readonly projects: ProjectService) {}

  async begin(size: ClipSetSize): Promise<{ setId: string; spec: ConditioningSpec }> {
    const state = this.projects.current();
    if (!state) throw new ApiError('NO_PROJECT', 'No project is open');
    // Size, length and rate may change; background, hand colours and shading stay the model's, so
    // the hand videos look like the conditioning the model is given.
    const spec: ConditioningSpec = { ...DEFAULT_CONDITIONING_SPEC, ...CLIP_SET_DEFAULT_SIZE, ...size };
    const writer = await ClipSetWriter.open(state.dir, spec);
    const setId = randomUUID();
    this.sets.set(setId, { writer, projectDir: state.dir });
    return { setId, spec: writer.spec };
  }

  async beginClip(setId: string, meta: unknown): Promise<{ clipId: string }> {
    const { writer } = this.set(setId);
    try {
      await writer.beginClip(meta);
    } catch (err) {
      // A refused record leaves the set usable only when nothing was started; the writer aborts otherwise.
      if (!(err instanceof ApiError) || err.code !== 'BAD_INPUT') await this.abort(setId);
      throw err;
    }
    const clipId = randomUUID();
    this.clips.set(clipId, setId);
    return { clipId };
  }

  /** Whether an id on the binary frame channel belongs to a training clip. */
  hasClip(clipId: string): boolean {
    return this.clips.has(clipId);
  }

  async frame(clipId: string, index: number, bytes: Uint8Array): Promise<{ received: number }> {
    const setId = this.clips.get(clipId);
    if (!setId) throw new ApiError('NOT_FOUND', `No training clip ${clipId} is in progress`);
    const { writer } = this.set(setId);
    try {
      return { received: await writer.writeFrame(index, bytes) };
    } catch (err) {
      // A wrong size or order is refused before any encoder took it: the page may still abort cleanly.
      if (!(err instanceof ApiError) || err.code !== 'BAD_INPUT') await this.abort(setId);
      throw err;
    }
  }

  async finishClip(clipId: string): Promise<ClipIndexEntry> {
    const setId = this.clips.get(clipId);
    if (!setId) throw new ApiError('NOT_FOUND', `No training clip ${clipId} is in progress`);
    this.clips.delete(clipId);
    try {
      return await this.set(setId).writer.finishClip();
    } catch (err) {
      await this.abort(setId);
      throw err;
    }
  }

  /** Paths relative to the project folder, '/'-separated. */
  async finish(setId: string): Promise<{ dir: string; clips: number }> {
    const { writer, projectDir } = this.set(setId);
    this.forget(setId);
    const result = await writer.finish();
    return { dir: path.relative(projectDir, result.dir).split(path.sep).join('/'), clips: result.clips.length };
  }

  async abort(setId: string): Promise<boolean> {
    const session = this.sets.get(setId);
    if (!session) return false;
    this.forget(setId);
    await session.writer.abort();
    return true;
  }

  async abortAll(): Promise<void> {
    await Promise.all([...this.sets.keys()].map((id) => this.abort(id)));
  }

  private forget(setId: string): void {
    this.sets.delete(setId);
    for (const [clipId, owner] of this.clips) if (owner === setId) this.clips.delete(clipId);
  }

  private set(setId: string) {
    const session = this.sets.get(setId);
    if (!session) throw new ApiError('NOT_FOUND', `No training clip set ${setId} is in progress (finished, aborted, or never begun)`);
    return session;
  }
}
