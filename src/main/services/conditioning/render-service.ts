import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { sampleConditioningFrames } from '../../../shared/conditioning/shot-frames';
import { ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../shared/conditioning/spec';
import type { ProjectService } from '../project-service';
import { ConditioningSetWriter, PARTIAL_SUFFIX, RENDERS_DIR } from './render-output';

interface Session {
  writer: ConditioningSetWriter;
  projectDir: string;
  shotId: string;
  spec: ConditioningSpec;
  next: number;
}

export interface RenderResult {
  /** Paths relative to the project folder, '/'-separated (for the media route). */
  dir: string;
  staticVideo: string;
  handsVideo: string;
  poses: string;
}

/**
 * Conditioning renders: the UI draws the frames (it has WebGL), main owns everything else —
 * the spec, the poses written beside the videos (sampled here from the saved document, not
 * taken from the page), the encoders and the atomic output folder.
 */
export class RenderService {
  private sessions = new Map<string, Session>();

  /**
   * modelSpec: the conditioning the named model's manifest asks for (the default model's when
   * none is named; it throws for a named model that is not installed), or null when no model
   * is installed: then the project's shot defaults and the documented default are used.
   */
  constructor(
    private readonly projects: ProjectService,
    private readonly modelSpec: (modelId?: string) => Promise<ConditioningSpec | null> = async () => null,
  ) {}

  async begin(
    shotId: string,
    opts: { pngs: boolean; modelId?: string | undefined },
  ): Promise<{ renderId: string; spec: ConditioningSpec }> {
    const state = this.projects.current();
    if (!state) throw new ApiError('NO_PROJECT', 'No project is open');
    const shot = state.document.shots.find((s) => s.id === shotId);
    if (!shot) throw new ApiError('NOT_FOUND', `The project has no shot ${shotId}`);
    if (shot.camera.position.keys.length === 0) {
      throw new ApiError('BAD_INPUT', `Shot "${shot.name}" has no camera keys; key the camera before rendering its conditioning videos`);
    }
    const { width, height } = state.document.shotDefaults;
    const fromModel = await this.modelSpec(opts.modelId);
    // The model's size, length, rate, colours and field of view (shot-frames.ts maps its frames onto the shot by time);
    // with no model installed, the shot's own size, length and rate.
    const spec: ConditioningSpec = fromModel ?? { ...DEFAULT_CONDITIONING_SPEC, width, height, frames: shot.frames, fps: shot.fps };
    const poses = sampleConditioningFrames(shot, spec);
    const writer = await ConditioningSetWriter.open(state.dir, shot.id, {
      spec,
      camera: poses.map((p) => p.camera),
      hands: { left: poses.map((p) => p.hands.left), right: poses.map((p) => p.hands.right) },
      pngs: opts.pngs,
    });
    const renderId = randomUUID();
    this.sessions.set(renderId, { writer, projectDir: state.dir, shotId, spec, next: 0 });
    return { renderId, spec };
  }

  /** One frame: the static pass then the hand pass, RGBA rows top to bottom, back to back. */
  async frame(renderId: string, index: number, bytes: Uint8Array): Promise<{ received: number }> {
    const session = this.session(renderId);
    if (index !== session.next) {
      throw new ApiError('BAD_INPUT', `Render ${renderId}: frame ${index} arrived, frame ${session.next} was expected`);
    }
    const size = session.spec.width * session.spec.height * 4;
    if (bytes.byteLength !== 2 * size) {
      throw new ApiError(
        'BAD_INPUT',
        `Render ${renderId}: a frame must be ${2 * size} bytes (two ${session.spec.width}x${session.spec.height} RGBA images), got ${bytes.byteLength}`,
      );
    }
    try {
      await session.writer.writeFrame(bytes.subarray(0, size), bytes.subarray(size));
    } catch (err) {
      await this.abort(renderId);
      throw err;
    }
    session.next += 1;
    return { received: session.next };
  }

  async finish(renderId: string): Promise<RenderResult> {
    const session = this.session(renderId);
    this.sessions.delete(renderId);
    const result = await session.writer.finish();
    const rel = (p: string) => path.relative(session.projectDir, p).split(path.sep).join('/');
    return { dir: rel(result.dir), staticVideo: rel(result.staticVideo), handsVideo: rel(result.handsVideo), poses: rel(result.posesFile) };
  }

  async abort(renderId: string): Promise<boolean> {
    const session = this.sessions.get(renderId);
    if (!session) return false;
    this.sessions.delete(renderId);
    await session.writer.abort();
    return true;
  }

  /** Abandon every render in flight (project closed, app quitting): nothing half-written stays. */
  async abortAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.abort(id)));
  }

  /** The newest complete render of a shot (made at `spec`, when given), or null. */
  async latest(shotId: string, spec?: ConditioningSpec): Promise<RenderResult | null> {
    const state = this.projects.current();
    if (!state) throw new ApiError('NO_PROJECT', 'No project is open');
    if (!/^[0-9a-f-]{36}$/i.test(shotId)) throw new ApiError('BAD_INPUT', 'shotId must be a UUID');
    const shotDir = path.join(state.dir, RENDERS_DIR, shotId);
    const stamps = (await fs.readdir(shotDir).catch(() => [] as string[])).filter((s) => !s.endsWith(PARTIAL_SUFFIX)).sort();
    for (const stamp of stamps.reverse()) {
      const dir = `${RENDERS_DIR}/${shotId}/${stamp}`;
      const files = await fs.readdir(path.join(state.dir, dir)).catch(() => [] as string[]);
      if (files.includes('static.mp4') && files.includes('hands.mp4')) {
        if (spec && !(await madeAt(path.join(state.dir, dir), spec))) continue;
        return { dir, staticVideo: `${dir}/static.mp4`, handsVideo: `${dir}/hands.mp4`, poses: `${dir}/poses.json` };
      }
    }
    return null;
  }

  private session(renderId: string): Session {
    const session = this.sessions.get(renderId);
    if (!session) throw new ApiError('NOT_FOUND', `No render ${renderId} is in progress (finished, aborted, or never begun)`);
    return session;
  }
}

/**
 * Whether a render was made at this spec (poses.json records the spec it was drawn at): a
 * render for another model, or from before the model changed its manifest, must be redone.
 */
async function madeAt(renderDir: string, spec: ConditioningSpec): Promise<boolean> {
  const text = await fs.readFile(path.join(renderDir, 'poses.json'), 'utf8').catch(() => null);
  if (text === null) return false;
  try {
    const recorded = ConditioningSpec.safeParse((JSON.parse(text) as { spec?: unknown }).spec);
    return recorded.success && sameSpec(recorded.data, spec);
  } catch {
    return false;
  }
}

function sameSpec(a: ConditioningSpec, b: ConditioningSpec): boolean {
  const key = (s: ConditioningSpec) =>
    JSON.stringify([s.width, s.height, s.frames, s.fps, s.background, s.handColours.left, s.handColours.right, s.shading, s.fovYDefault]);
  return key(a) === key(b);
}
