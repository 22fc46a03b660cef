import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderHeadless } from '../src/main/cli/render-command';
import { ROOT, tempDir } from '../tests/e2e/harness';

/** Conditioning render of the sample room's demo shot at 720x480, 49 frames, through `dwm-studio render`'s code path. */
export async function benchConditioning(report: (line: string) => void): Promise<void> {
  const home = await tempDir('bench-cond-home');
  const project = path.join(await tempDir('bench-cond'), 'p');
  process.env.DWM_STUDIO_HOME = home;
  execFileSync(process.execPath, ['bin/dwm-studio.mjs', 'new', project], { cwd: ROOT, env: { ...process.env, DWM_STUDIO_HOME: home } });
  const shot = JSON.parse(readFileSync(path.join(project, 'project.json'), 'utf8')).shots[0];
  const { timings } = await renderHeadless(project, { shot: shot.id, out: path.join(project, '..', 'out'), timeout: 900 });
  const per = (ms: number) => `${(ms / timings.frames).toFixed(1)} ms`;
  report(
    `sample room, 720x480, per frame: scene pass ${per(timings.scenePassMs)}, hand pass ${per(timings.handPassMs)}, readback ${per(timings.readbackMs)} (two RGBA images), send + encode ${per(timings.encodeMs)} (software WebGL)`,
  );
  report(`whole ${timings.frames}-frame shot: ${(timings.totalMs / 1000).toFixed(1)} s (both videos, 98 PNGs, poses.json)`);
}
