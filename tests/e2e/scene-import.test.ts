import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBadSceneFixtures, makeSceneFixtures, type SceneFixture } from '../fixtures/scene-fixtures';
import { launchBrowser, newPage, ROOT, type RunningHost, readJson, screenshot, startHost, tempDir } from './harness';

/**
 * Import every supported scene format through the UI of the real web host, in Chromium,
 * and check by pixels that each one draws: the viewport is captured with only the new
 * scene shown and again with it hidden (same camera); the two must differ.
 */

/** The viewport canvas, downsampled to every 4th pixel, as RGB triples. */
async function viewportPixels(page: Page): Promise<number[]> {
  return page.evaluate(`(() => {
    const gl = document.querySelector('[data-testid=viewport-canvas] canvas');
    const c = document.createElement('canvas');
    c.width = gl.width; c.height = gl.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(gl, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const out = [];
    for (let i = 0; i < data.length; i += 16) out.push(data[i], data[i + 1], data[i + 2]);
    return out;
  })()`);
}

function changedFraction(a: number[], b: number[]): number {
  let changed = 0;
  for (let i = 0; i < a.length; i += 3) {
    const d =
      Math.abs((a[i] ?? 0) - (b[i] ?? 0)) + Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) + Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0));
    if (d > 24) changed++;
  }
  return changed / (a.length / 3);
}

async function settle(page: Page, ms = 600) {
  await page.waitForTimeout(ms);
}

async function importByPath(page: Page, file: string) {
  await page.keyboard.press('Control+i');
  await page.getByLabel('Path on the machine running the studio').fill(file);
  await page.getByRole('dialog').getByRole('button', { name: 'Import', exact: true }).click();
}

async function waitLoaded(page: Page) {
  // The inspector shows the load time once the viewport has the scene; errors show in the stats overlay.
  // (Polled from here: the page's CSP forbids evaluating strings, which waitForFunction would need.)
  const state = `(() => {
    const error = document.querySelector('[data-testid=viewport-stats] .error');
    if (error) return 'error: ' + error.textContent;
    const ready = [...document.querySelectorAll('[data-testid=scene-inspector] dt')].some((d) => d.textContent === 'Loaded in');
    return ready ? 'ready' : 'loading';
  })()`;
  await expect.poll(() => page.evaluate(state), { timeout: 60_000, interval: 200 }).not.toBe('loading');
  const result = await page.evaluate(state);
  if (result !== 'ready') throw new Error(`viewport failed to load the scene: ${result}`);
}

describe('scene import in the browser', () => {
  let browser: Browser;
  let host: RunningHost;
  let fixtures: Record<string, SceneFixture>;
  let bad: Record<string, string>;
  let project: string;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    const dir = await tempDir('scenes');
    fixtures = await makeSceneFixtures(path.join(dir, 'good'));
    bad = await makeBadSceneFixtures(path.join(dir, 'bad'));
    const home = await tempDir('scenes-home');
    project = path.join(dir, 'project');
    execFileSync(process.execPath, ['bin/dwm-studio.mjs', 'new', project, '--empty', '--name', 'Scene formats'], {
      cwd: ROOT,
      env: { ...process.env, DWM_STUDIO_HOME: home },
    });
    host = await startHost({ home, project });
    browser = await launchBrowser();
    ({ page, errors: pageErrors } = await newPage(browser));
    await page.goto(host.openUrl);
    await page.getByText('Scene formats').first().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const formats = ['glb-draco-ktx2', 'glb-meshopt', 'gltf-separate', 'obj-mtl', 'ply-mesh', 'ply-points', 'ply-gaussians', 'splat', 'spz'];
  for (const [i, name] of formats.entries()) {
    it(`imports ${name} by path, lists its counts and draws it`, async () => {
      const fixture = fixtures[name] as SceneFixture;
      await importByPath(page, fixture.file);
      await expect.poll(() => page.getByTestId('scene-row').count()).toBe(i + 1);
      // Show only the new scene (the earlier ones stay in the project, hidden).
      const rows = page.locator('.scene-list li');
      for (let r = 0; r < i; r++) {
        const box = rows.nth(r).locator('input[type=checkbox]');
        if (await box.isChecked()) await box.uncheck();
      }
      await rows.nth(i).getByTestId('scene-row').click();
      await waitLoaded(page);

      const expected = fixture.expected;
      const counts = await page.getByTestId('scene-counts').textContent();
      const n = (v: number) => v.toLocaleString('en');
      if (expected.triangles) expect(counts).toContain(`${n(expected.triangles)} tris`);
      if (expected.points) expect(counts).toContain(`${n(expected.points)} pts`);
      if (expected.splats) expect(counts).toContain(`${n(expected.splats)} splats`);

      await page.getByRole('button', { name: 'Frame all' }).click();
      await settle(page, 1200);
      const shown = await viewportPixels(page);
      await screenshot(page, `import-${name}`);
      await rows.nth(i).locator('input[type=checkbox]').uncheck();
      await settle(page);
      const hidden = await viewportPixels(page);
      const fraction = changedFraction(shown, hidden);
      console.log(`${name}: the scene changes ${(fraction * 100).toFixed(1)}% of the viewport's pixels`);
      // Meshes and splats cover a fifth of the view or more; the sparse 2,000-point cloud about 1%.
      expect(fraction, `${name}: fraction of viewport pixels the scene changed`).toBeGreaterThan(0.005);

      // The project lists the scene with what the importer measured.
      await page.keyboard.press('Control+s');
      await expect.poll(async () => ((await readJson(path.join(project, 'project.json'))).scenes as unknown[]).length).toBe(i + 1);
      const doc = await readJson(path.join(project, 'project.json'));
      const scene = (doc.scenes as { format: string; stats: { triangles: number; points: number; splats: number }; files: string[] }[])[i];
      expect(scene?.format).toBe(expected.format);
      expect(scene?.stats.triangles).toBe(expected.triangles);
      expect(scene?.stats.points).toBe(expected.points);
      expect(scene?.stats.splats).toBe(expected.splats);
      expect(scene?.files.every((f) => f.startsWith('scenes/'))).toBe(true);
    });
  }

  it('uploads a glTF with its .bin and texture from the browser', async () => {
    const fixture = fixtures['gltf-separate'] as SceneFixture;
    const dir = path.dirname(fixture.file);
    const companions = (fixture.expected.companions ?? []).map((c) => path.join(dir, c));
    const before = await page.getByTestId('scene-row').count();
    await page.keyboard.press('Control+i');
    await page.getByLabel('Scene files to upload').setInputFiles([fixture.file, ...companions]);
    await expect.poll(() => page.getByTestId('scene-row').count(), { timeout: 30_000 }).toBe(before + 1);
    await waitLoaded(page);
  });

  it('refuses bad files with a message naming the file, and the project is unchanged', async () => {
    for (const key of ['truncated-glb', 'unsupported-fbx', 'gltf-missing-bin', 'obj-nan']) {
      const file = bad[key] as string;
      const before = await page.getByTestId('scene-row').count();
      await importByPath(page, file);
      const toast = page.locator('.toast.error').last();
      await toast.waitFor();
      expect(await toast.textContent(), key).toContain(file);
      expect(await page.getByTestId('scene-row').count()).toBe(before);
      await page.keyboard.press('Escape');
      await toast.getByRole('button', { name: 'Dismiss' }).click();
    }
    expect(pageErrors).toEqual([]);
  });
});
