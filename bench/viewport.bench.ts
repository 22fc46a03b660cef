import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { launchBrowser, newPage, ROOT, startHost, tempDir } from '../tests/e2e/harness';
import { writeMillionSplatFile, writeMillionTriangleGlb } from './large-scenes';

/**
 * Scene import and viewport figures for large scenes: the time to import (analyse and
 * copy) in Node, the time until the viewport shows the scene, and the frame interval
 * while it is on screen. Chromium here renders WebGL in software (SwiftShader, no GPU),
 * so the frame figures are a floor for any machine with a graphics card.
 */
export async function benchViewport(report: (line: string) => void): Promise<void> {
  const dir = await tempDir('bench');
  const home = await tempDir('bench-home');
  const project = path.join(dir, 'project');
  const glb = path.join(dir, 'million-triangles.glb');
  const splat = path.join(dir, 'million-splats.splat');
  let t = performance.now();
  const g = await writeMillionTriangleGlb(glb);
  const s = await writeMillionSplatFile(splat);
  report(
    `generated ${g.triangles.toLocaleString('en')}-triangle GLB (${mb(g.bytes)}) and ${s.splats.toLocaleString('en')}-splat .splat (${mb(s.bytes)}) in ${sec(performance.now() - t)}`,
  );

  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['bin/dwm-studio.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, DWM_STUDIO_HOME: home },
      encoding: 'utf8',
    });
  cli('new', project, '--empty', '--name', 'Bench');
  const imports: Record<string, number> = {};
  for (const [name, file] of [
    ['1M-triangle GLB', glb],
    ['1M-splat .splat', splat],
  ] as const) {
    t = performance.now();
    cli('import', project, file, '--name', name);
    imports[name] = performance.now() - t;
  }

  const host = await startHost({ home, project });
  const browser = await launchBrowser();
  try {
    const { page } = await newPage(browser);
    await page.goto(host.openUrl);
    const rows = page.locator('.scene-list li');
    await rows.nth(1).waitFor({ timeout: 60_000 });
    for (const [index, name] of ['1M-triangle GLB', '1M-splat .splat'].entries()) {
      // Only this scene visible; reload so its load time is measured from a cold start.
      for (let r = 0; r < 2; r++) {
        const box = rows.nth(r).locator('input[type=checkbox]');
        if ((r === index) !== (await box.isChecked())) await box.click();
      }
      await page.keyboard.press('Control+s');
      await page.waitForTimeout(500);
      await page.reload();
      await rows.nth(index).getByTestId('scene-row').click();
      const loadTime = page.getByTestId('scene-load-time');
      await loadTime.waitFor({ timeout: 300_000 });
      const loadMs = Number(await loadTime.getAttribute('data-ms'));
      await page.getByRole('button', { name: 'Frame all' }).click({ timeout: 300_000 });
      await page.waitForTimeout(1000);
      // The viewport's own "measure": 10 frames drawn while the view turns, each waited
      // for with gl.finish, so this is the real cost of a frame of this scene.
      await page.getByRole('button', { name: 'measure', exact: true }).click({ timeout: 300_000 });
      const measured = page.getByTestId('measured-frame');
      await measured.waitFor({ timeout: 600_000 });
      const frameMs = Number(await measured.getAttribute('data-ms'));
      report(
        `${name}: import ${sec(imports[name] ?? 0)} (CLI, analyse + copy), viewport load ${sec(loadMs)}, frame draw time ${frameMs.toFixed(1)} ms (${(1000 / frameMs).toFixed(1)} fps; software WebGL in a 1400x860 window)`,
      );
    }
  } finally {
    await browser.close();
    await host.stop();
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
