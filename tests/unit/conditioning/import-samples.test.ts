import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerImportSamples } from '../../../src/main/cli/import-samples-command';
import { probeVideo } from '../../../src/main/services/conditioning/ffmpeg';
import { importSamples } from '../../../src/main/services/conditioning/import-samples';
import { ProjectService } from '../../../src/main/services/project-service';
import { SettingsStore } from '../../../src/main/services/settings-store';
import { ApiError } from '../../../src/shared/api/errors';
import { ProjectDocument } from '../../../src/shared/project/schema';
import { copyLayout, ffmpegRaw } from './helpers';

/**
 * Importing the DWM reference layout as shots, on the two real samples beside the repository
 * (../shared/dwm-samples, read in place; broken variants are made in temporary folders).
 */

const SAMPLES_DIR = path.resolve(import.meta.dirname, '../../../../shared/dwm-samples/realworld');
const SKIP_MESSAGE = 'SKIPPED reference samples: ../shared/dwm-samples not found';
const SLOW = 60_000;
const IDS = ['00017', '00055'];

let present = false;
let tmp: string;
let service: ProjectService;

beforeAll(async () => {
  present = await fs.stat(SAMPLES_DIR).then(
    (s) => s.isDirectory(),
    () => false,
  );
});

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-import-samples-')));
  const settings = new SettingsStore(path.join(tmp, 'user-data'));
  await settings.load();
  await settings.update({ autosaveSeconds: 0 });
  service = new ProjectService({ settings, appVersion: '0.1.0-test' });
});

afterEach(async () => {
  await service.close().catch(() => {});
  await fs.rm(tmp, { recursive: true, force: true });
});

function needSamples(ctx: { skip: () => void }): void {
  if (!present) {
    console.log(SKIP_MESSAGE);
    ctx.skip();
  }
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an ApiError');
}

async function listing(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => []);
}

describe('importing the reference samples into a project', () => {
  it(
    'makes one shot per sample, conditioned by copies of its videos, with its prompt and ground truth; kept through save and reopen',
    async (ctx) => {
      needSamples(ctx);
      const created = await service.create(path.join(tmp, 'proj'), 'Samples');
      const t0 = performance.now();
      const state = await service.importSamples(SAMPLES_DIR);
      console.log(`imported ${state.document.shots.length} reference samples in ${(performance.now() - t0).toFixed(0)} ms`);

      const shots = state.document.shots;
      expect(shots.map((s) => s.name)).toEqual(IDS.map((id) => `Sample ${id}`));
      expect(shots.map((s) => s.conditioning?.sampleId)).toEqual(IDS);
      expect(state.document.activeShotId).toBe(shots[0]?.id);
      expect(state.dirty).toBe(true);
      expect(state.revision).toBe(created.revision + 1);
      expect(ProjectDocument.safeParse(state.document).success).toBe(true);

      for (const shot of shots) {
        const id = shot.conditioning?.sampleId as string;
        expect(shot).toMatchObject({ frames: 49, fps: 8, sceneId: null });
        expect(shot.camera).toEqual({ position: { keys: [] }, rotation: { keys: [] }, fovY: { keys: [] } });
        expect(shot.hands.left.wristPosition.keys).toEqual([]);
        expect(shot.hands.right.fingers.keys).toEqual([]);
        expect(shot.conditioning).toEqual({
          source: 'files',
          staticVideo: `samples/${id}/static.mp4`,
          handsVideo: `samples/${id}/hands.mp4`,
          groundTruth: `samples/${id}/ground_truth.mp4`,
          importedFrom: SAMPLES_DIR,
          sampleId: id,
        });
        const text = await fs.readFile(path.join(SAMPLES_DIR, 'prompts_rewrite', `${id}.txt`), 'utf8');
        expect(shot.prompt).toBe(text.trim());
        expect(shot.prompt.length).toBeGreaterThan(20);

        const c = shot.conditioning;
        if (!c?.groundTruth) throw new Error('ground truth expected');
        for (const rel of [c.staticVideo, c.handsVideo]) {
          expect(await probeVideo(path.join(state.dir, rel))).toMatchObject({ frames: 49, width: 720, height: 480, fps: 8 });
        }
        // The copies are the files themselves, not re-encodes.
        const pairs: [string, string][] = [
          [c.staticVideo, `videos_static/${id}.mp4`],
          [c.handsVideo, `videos_hands/${id}.mp4`],
          [c.groundTruth, `videos/${id}.mp4`],
        ];
        for (const [copy, original] of pairs) {
          const same = Buffer.compare(await fs.readFile(path.join(state.dir, copy)), await fs.readFile(path.join(SAMPLES_DIR, original)));
          expect(same, copy).toBe(0);
        }
      }
      // Only the finished sample folders: no staging folder is left behind.
      expect((await listing(path.join(state.dir, 'samples'))).sort()).toEqual(IDS);

      await service.save();
      await service.close();
      const reopened = await service.open(state.dir);
      expect(reopened.migratedFrom).toBeNull();
      expect(reopened.document.shots).toEqual(shots);
      expect(reopened.document.activeShotId).toBe(shots[0]?.id);
    },
    SLOW,
  );

  it(
    'imports the same samples again into new folders, leaving the first copies and shots alone',
    async (ctx) => {
      needSamples(ctx);
      const created = await service.create(path.join(tmp, 'proj'), 'Twice');
      const first = await service.importSamples(SAMPLES_DIR);
      const second = await service.importSamples(SAMPLES_DIR);
      expect(second.document.shots.slice(0, 2)).toEqual(first.document.shots);
      const again = second.document.shots.slice(2);
      expect(again.map((s) => s.conditioning?.staticVideo)).toEqual(IDS.map((id) => `samples/${id}-2/static.mp4`));
      expect(second.document.activeShotId).toBe(again[0]?.id);
      expect((await listing(path.join(created.dir, 'samples'))).sort()).toEqual(['00017', '00017-2', '00055', '00055-2']);
    },
    SLOW,
  );

  it(
    'refuses a layout with a hands video of 48 frames and a sample without a prompt, naming both, and changes nothing',
    async (ctx) => {
      needSamples(ctx);
      const broken = path.join(tmp, 'broken');
      await copyLayout(SAMPLES_DIR, broken);
      const hands17 = path.join(broken, 'videos_hands', '00017.mp4');
      const trimmed = path.join(broken, 'videos_hands', 'trimmed.tmp.mp4');
      ffmpegRaw(['-i', hands17, '-frames:v', '48', '-c', 'copy', '-y', trimmed]);
      await fs.rename(trimmed, hands17);

      const created = await service.create(path.join(tmp, 'proj'), 'Broken');
      const err = await caught(service.importSamples(broken));
      expect(err.code).toBe('BAD_INPUT');
      expect(err.message).toContain('videos_hands/00017.mp4 has 48 frames; the model expects 49');
      expect(err.message).toContain('nothing was imported');

      const after = service.current();
      expect(after?.document).toEqual(created.document);
      expect(after?.revision).toBe(created.revision);
      expect(after?.dirty).toBe(false);
      expect(await listing(path.join(created.dir, 'samples'))).toEqual([]);

      // Every problem is listed, not only the first.
      await fs.rm(path.join(broken, 'prompts_rewrite', '00055.txt'));
      const both = await caught(service.importSamples(broken));
      expect(both.message).toContain('videos_hands/00017.mp4 has 48 frames');
      expect(both.message).toContain('prompts_rewrite/00055.txt');
      expect(both.message).toContain('2 of 2 samples have problems');
      expect(service.current()?.document.shots).toEqual([]);
      expect(await listing(path.join(created.dir, 'samples'))).toEqual([]);
    },
    SLOW,
  );

  it(
    'keeps a sample without ground truth, reading its caption from prompts/ when there is no rewrite',
    async (ctx) => {
      needSamples(ctx);
      const layout = path.join(tmp, 'no-gt');
      await copyLayout(SAMPLES_DIR, layout);
      await fs.rm(path.join(layout, 'videos', '00055.mp4'));
      await fs.mkdir(path.join(layout, 'prompts'));
      await fs.rename(path.join(layout, 'prompts_rewrite', '00055.txt'), path.join(layout, 'prompts', '00055.txt'));
      const projectDir = path.join(tmp, 'proj');
      await fs.mkdir(projectDir);

      const shots = await importSamples({ dir: projectDir, document: { shots: [] } }, layout);
      expect(shots.map((s) => s.conditioning?.groundTruth)).toEqual(['samples/00017/ground_truth.mp4', null]);
      const text = await fs.readFile(path.join(SAMPLES_DIR, 'prompts_rewrite', '00055.txt'), 'utf8');
      expect(shots[1]?.prompt).toBe(text.trim());
      expect((await listing(path.join(projectDir, 'samples', '00055'))).sort()).toEqual(['hands.mp4', 'static.mp4']);
    },
    SLOW,
  );
});

describe('dwm-studio import-samples', () => {
  let home: string | undefined;
  beforeEach(() => {
    home = process.env.DWM_STUDIO_HOME;
  });
  afterEach(() => {
    if (home === undefined) delete process.env.DWM_STUDIO_HOME;
    else process.env.DWM_STUDIO_HOME = home;
    vi.restoreAllMocks();
  });

  function cli(): { program: Command; out: string[] } {
    const out: string[] = [];
    const program = new Command().name('dwm-studio').exitOverride();
    program.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
    registerImportSamples(program);
    return { program, out };
  }

  it('describes itself in --help', async () => {
    const { program, out } = cli();
    await expect(program.parseAsync(['node', 'dwm-studio', 'import-samples', '--help'])).rejects.toMatchObject({
      code: 'commander.helpDisplayed',
    });
    const help = out.join('');
    expect(help).toContain('import-samples [options] <project> <dir>');
    expect(help).toContain('videos_static/');
  });

  it(
    'imports into a project on disk and prints one line per shot with id, name, frames, size and fps',
    async (ctx) => {
      needSamples(ctx);
      process.env.DWM_STUDIO_HOME = path.join(tmp, 'cli-home');
      const created = await service.create(path.join(tmp, 'proj'), 'CLI');
      await service.close();

      const printed: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(String(chunk));
        return true;
      });
      const { program } = cli();
      await program.parseAsync(['node', 'dwm-studio', 'import-samples', created.dir, SAMPLES_DIR]);
      vi.restoreAllMocks();

      const lines = printed.join('').trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      const reopened = await service.open(created.dir);
      expect(reopened.dirty).toBe(false);
      reopened.document.shots.forEach((shot, i) => {
        expect(lines[i]).toBe(`${shot.id}  Sample ${IDS[i]}  49 frames  720x480  8 fps  ground truth: yes`);
      });
    },
    SLOW,
  );
});
