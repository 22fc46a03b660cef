import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { rendererBuildDir } from '../app-root';
import { startWebHost } from '../host/web-host';
import { generateRoom } from '../services/scenes/room-generator';
import { mergeClipSet } from '../services/training-clips/merge-clip-set';
import { createStudio } from '../studio';
import { ensureRendererBuilt } from './ensure-build';
import { findChromium, launchHeadlessChromium } from './render-command';

export interface SynthOptions {
  out: string;
  rooms: number;
  clipsPerRoom: number;
  firstRoomSeed: number;
  width: number;
  height: number;
  frames: number;
  fps: number;
  timeout: number;
}

const int = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number >= ${min}`);
  return n;
};

/**
 * `dwm-studio synth`: synthetic training clips from procedural rooms, without the UI. For
 * each room seed the room is generated, imported into a throwaway project and rendered by the
 * very renderer the "Generate training clips" button runs (headless Chromium, one page load
 * per room), then the finished set is merged into --out, so runs accumulate there.
 */
export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description(
      "Render synthetic training clips (interaction, static, hands, mask) of procedural rooms' drawers, doors, lids and liftable objects",
    )
    .requiredOption('--out <dir>', 'clip set folder to add the clips to (created when missing)')
    .requiredOption('--rooms <n>', 'number of rooms', int(1))
    .requiredOption('--clips-per-room <m>', 'clips per room', int(1))
    .option('--first-room-seed <s>', 'seed of the first room; the others follow', int(0), 1)
    .option('--width <px>', 'video width', int(16), 144)
    .option('--height <px>', 'video height', int(16), 96)
    .option('--frames <n>', 'frames per clip', int(8), 49)
    .option('--fps <n>', 'frame rate', (v) => Number(v), 8)
    .option('--timeout <seconds>', 'give up on a room after this long', (v) => Number(v), 900)
    .action(async (opts: SynthOptions) => {
      await synthHeadless(opts);
    });
}

export async function synthHeadless(opts: SynthOptions): Promise<{ clips: number; seconds: number }> {
  if (opts.clipsPerRoom > 100) throw new Error('--clips-per-room is at most 100 (clip names have two digits)');
  const executablePath = findChromium();
  await ensureRendererBuilt();
  const started = Date.now();
  const out = path.resolve(opts.out);
  // A private home and throwaway projects: the user's recent projects and settings stay untouched.
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-synth-'));
  const studio = await createStudio({ userDataDir: path.join(work, 'home'), host: { transport: 'web' }, log: () => {} });
  const host = await startWebHost({ studio, rendererDir: rendererBuildDir(), port: 0 });
  const browser = await launchHeadlessChromium(executablePath);
  let clips = 0;
  try {
    for (let r = 0; r < opts.rooms; r++) {
      const roomSeed = opts.firstRoomSeed + r;
      const roomStarted = Date.now();
      const { glb, description } = await generateRoom({ seed: roomSeed });
      const projectDir = path.join(work, `room-${roomSeed}`);
      await studio.services.projects.create(projectDir, description.name);
      const glbFile = path.join(work, `${description.name}.glb`);
      await fs.writeFile(glbFile, glb);
      await studio.services.projects.importScene(glbFile, { name: description.name });
      await studio.services.projects.save();
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        const request = {
          roomSeed,
          clips: opts.clipsPerRoom,
          width: opts.width,
          height: opts.height,
          frames: opts.frames,
          fps: opts.fps,
        };
        await page.goto(`${host.openUrl}#synth=${encodeURIComponent(JSON.stringify(request))}`);
        const status = page.getByTestId('headless-synth');
        const deadline = Date.now() + opts.timeout * 1000;
        let last = '';
        for (;;) {
          // A loaded machine can take long to load the page and the room: wait as long as the room may take.
          const state = await status.getAttribute('data-state', { timeout: Math.max(1000, deadline - Date.now()) });
          const detail = (await status.getAttribute('data-detail')) ?? '';
          if (state === 'done') {
            const result = JSON.parse(detail) as { dir: string; clips: number };
            const merged = await mergeClipSet(path.join(projectDir, result.dir), out);
            clips += result.clips;
            process.stderr.write('\n');
            process.stdout.write(
              `room ${roomSeed} (${r + 1} of ${opts.rooms}): ${result.clips} clips in ${((Date.now() - roomStarted) / 1000).toFixed(1)} s; ${out} now holds ${merged.total}\n`,
            );
            break;
          }
          if (state === 'error') throw new Error(`Room ${roomSeed} failed: ${detail}`);
          if (detail !== last && state === 'rendering') {
            process.stderr.write(`\rroom ${roomSeed}: ${detail}   `);
            last = detail;
          }
          if (Date.now() > deadline) throw new Error(`Room ${roomSeed} did not finish within ${opts.timeout} s`);
          await page.waitForTimeout(200);
        }
      } finally {
        await page.close();
        await studio.services.projects.close();
        await fs.rm(projectDir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
    await host.close();
    await studio.shutdown();
    await fs.rm(work, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`${clips} clips into ${out} in ${seconds.toFixed(1)} s (${(seconds / Math.max(1, clips)).toFixed(2)} s per clip)\n`);
  return { clips, seconds };
}
