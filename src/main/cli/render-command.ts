import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { chromium } from 'playwright-core';
import { defaultUserDataDir } from '../app-meta';
import { rendererBuildDir } from '../app-root';
import { startWebHost } from '../host/web-host';
import { createStudio } from '../studio';
import { ensureRendererBuilt } from './ensure-build';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** A Chromium to render in: DWM_CHROMIUM, else the usual system locations. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.DWM_CHROMIUM ?? env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`DWM_CHROMIUM points to ${given}, which does not exist`);
    return given;
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No headless Chromium was found (looked at ${CHROMIUM_CANDIDATES.join(', ')}). Install one (Debian/Ubuntu: apt install chromium) or set DWM_CHROMIUM to its path.`,
    );
  }
  return found;
}

/** The system Chromium, headless, software-rendered, with nothing phoning home: for `render` and `synth`. */
export function launchHeadlessChromium(executablePath: string) {
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * `dwm-studio render PROJECT --shot ID --out DIR`: the conditioning videos without the UI.
 * The desktop app would use an offscreen Electron window; without the Electron binary the
 * studio's own web host is started on 127.0.0.1 and a headless Chromium runs the very same
 * renderer code the Render button runs, so the pixels are the same.
 */
export function registerRender(program: Command): void {
  program
    .command('render')
    .description("Render a shot's conditioning videos (static scene and hands) headless, with a system Chromium")
    .argument('<project>', 'project folder')
    .requiredOption('--shot <id|name>', 'shot id or name (see the timeline, or project.json)')
    .requiredOption('--out <dir>', 'folder to copy static.mp4, hands.mp4, poses.json and the PNG frames into')
    .option('--timeout <seconds>', 'give up after this long', (v) => Number(v), 600)
    .action(async (projectDir: string, opts: { shot: string; out: string; timeout: number }) => {
      await renderHeadless(projectDir, opts);
    });
}

export interface HeadlessRenderTimings {
  frames: number;
  scenePassMs: number;
  handPassMs: number;
  readbackMs: number;
  encodeMs: number;
  totalMs: number;
}

export async function renderHeadless(
  projectDir: string,
  opts: { shot: string; out: string; timeout: number },
): Promise<{ out: string; timings: HeadlessRenderTimings }> {
  const executablePath = findChromium();
  await ensureRendererBuilt();
  const studio = await createStudio({ userDataDir: defaultUserDataDir(), host: { transport: 'web' }, log: () => {} });
  const state = await studio.services.projects.open(projectDir);
  const shot = state.document.shots.find((s) => s.id === opts.shot || s.name === opts.shot);
  if (!shot) {
    const list = state.document.shots.map((s) => `${s.id} (${s.name})`).join(', ') || 'none';
    throw new Error(`${state.dir} has no shot "${opts.shot}"; its shots: ${list}`);
  }
  const host = await startWebHost({ studio, rendererDir: rendererBuildDir(), port: 0 });
  const browser = await launchHeadlessChromium(executablePath);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${host.openUrl}#render=${shot.id}`);
    const status = page.getByTestId('headless-render');
    const deadline = Date.now() + opts.timeout * 1000;
    let last = '';
    for (;;) {
      const state = await status.getAttribute('data-state', { timeout: 60_000 });
      const detail = (await status.getAttribute('data-detail')) ?? '';
      if (state === 'done') {
        const { result, timings } = JSON.parse(detail) as { result: { dir: string }; timings: HeadlessRenderTimings };
        const source = path.join(studio.services.projects.dir as string, result.dir);
        const out = path.resolve(opts.out);
        await fs.mkdir(out, { recursive: true });
        await fs.cp(source, out, { recursive: true });
        process.stderr.write(`\n`);
        const per = (ms: number) => (ms / timings.frames).toFixed(1);
        process.stdout.write(
          `Rendered "${shot.name}" (${shot.frames} frames) into ${out} in ${(timings.totalMs / 1000).toFixed(1)} s; per frame: scene pass ${per(timings.scenePassMs)} ms, hand pass ${per(timings.handPassMs)} ms, readback ${per(timings.readbackMs)} ms, send + encode ${per(timings.encodeMs)} ms\n`,
        );
        return { out, timings };
      }
      if (state === 'error') throw new Error(`Rendering "${shot.name}" failed: ${detail}`);
      if (detail !== last && state === 'rendering') {
        process.stderr.write(`\rrendering frame ${detail}`);
        last = detail;
      }
      if (Date.now() > deadline) throw new Error(`Rendering "${shot.name}" did not finish within ${opts.timeout} s`);
      await page.waitForTimeout(200);
    }
  } finally {
    await browser.close();
    await host.close();
    await studio.shutdown();
  }
}
