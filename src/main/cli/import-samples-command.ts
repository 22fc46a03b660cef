import path from 'node:path';
import type { Command } from 'commander';
import type { Shot } from '../../shared/animation/schema';
import { APP_VERSION, defaultUserDataDir } from '../app-meta';
import { findFfmpeg, probeVideo } from '../services/conditioning/ffmpeg';
import { ProjectService } from '../services/project-service';
import { SettingsStore } from '../services/settings-store';

/**
 * `dwm-studio import-samples <project> <dir>`: import a folder in the DWM reference layout
 * as one shot per sample, conditioned by its videos. Called from the CLI's buildCli().
 */
export function registerImportSamples(program: Command): void {
  program
    .command('import-samples')
    .description(
      'Import DWM reference samples (videos_static/, videos_hands/, prompts_rewrite/ or prompts/, and videos/ as ground truth) ' +
        'into a project: one shot per sample, its conditioning videos copied to samples/<id>/. ' +
        'Every video must match the model (49 frames, 720x480, 8 fps); any problem refuses the whole import.',
    )
    .argument('<project>', 'project folder')
    .argument('<dir>', 'folder in the reference layout (e.g. examples/realworld/realworld_dynamic)')
    .action(async (projectDir: string, dir: string) => {
      const settings = new SettingsStore(defaultUserDataDir());
      await settings.load();
      const projects = new ProjectService({ settings, appVersion: APP_VERSION });
      await projects.open(projectDir);
      let added: Shot[];
      let root: string;
      try {
        const before = new Set((projects.current()?.document.shots ?? []).map((s) => s.id));
        const state = await projects.importSamples(path.resolve(dir));
        added = state.document.shots.filter((s) => !before.has(s.id));
        root = state.dir;
      } finally {
        await projects.close();
      }
      const tools = await findFfmpeg();
      for (const shot of added) process.stdout.write(`${await describeShot(root, shot, tools)}\n`);
    });
}

/** `<id>  <name>  <frames> frames  <w>x<h>  <fps> fps  ...`, measured on the copied files. */
async function describeShot(projectDir: string, shot: Shot, tools: Awaited<ReturnType<typeof findFfmpeg>>): Promise<string> {
  const c = shot.conditioning;
  if (!c) return `${shot.id}  ${shot.name}  ${shot.frames} frames  ${shot.fps} fps`;
  const [st, ha] = await Promise.all([
    probeVideo(path.join(projectDir, c.staticVideo), tools),
    probeVideo(path.join(projectDir, c.handsVideo), tools),
  ]);
  const same = st.frames === ha.frames && st.width === ha.width && st.height === ha.height && st.fps === ha.fps;
  const hands = same ? '' : `  (hands: ${ha.frames} frames ${ha.width}x${ha.height} ${+ha.fps.toFixed(3)} fps)`;
  return `${shot.id}  ${shot.name}  ${st.frames} frames  ${st.width}x${st.height}  ${+st.fps.toFixed(3)} fps  ground truth: ${
    c.groundTruth ? 'yes' : 'no'
  }${hands}`;
}
