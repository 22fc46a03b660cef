import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { probeVideo } from '../../src/main/services/conditioning/ffmpeg';
import type { ModelManifest } from '../../src/shared/model/manifest';
import {
  createProjectInPage,
  homeWithDefaultModel,
  invokeApi,
  launchBrowser,
  newPage,
  poll,
  RESULTS_DIR,
  ROOT,
  type RunningHost,
  screenshot,
  startHost,
  TAKE_FAILURE,
  tempDir,
} from './harness';

/**
 * Add model… in the browser: a copy of the tiny test bundle is checked and added from the
 * Generate panel and chosen there; broken copies are refused with every problem, each naming
 * its file; generating with the added model renders the conditioning at its 64x48, 9 frames,
 * 8 fps; Settings › Models lists it with that spec. Nothing is mocked.
 */

const TINY = path.join(ROOT, 'tests/fixtures/bundles/tiny-random');
const TINY_SPEC = '64x48 · 9 frames · 8 fps';

/** A copy of the tiny bundle with its manifest changed. */
async function tinyCopy(dir: string, edit: (m: z.input<typeof ModelManifest>) => void): Promise<string> {
  await fs.cp(TINY, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(await fs.readFile(file, 'utf8'));
  edit(m);
  await fs.writeFile(file, JSON.stringify(m, null, 2));
  return dir;
}

describe('Add model…', () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];
  let projectDir: string;
  let good: string;
  let broken: string;
  let renamed: string;

  beforeAll(async () => {
    const bundles = await tempDir('bundles');
    good = await tinyCopy(path.join(bundles, 'tiny-added'), (m) => {
      m.id = 'tiny-added';
      m.name = 'Tiny added';
    });
    broken = await tinyCopy(path.join(bundles, 'tiny-broken'), (m) => {
      m.id = 'tiny-broken';
      m.timestepType = 'float32';
    });
    await fs.rm(path.join(broken, 'vae_decoder.onnx'));
    renamed = await tinyCopy(path.join(bundles, 'tiny-renamed'), (m) => {
      m.id = 'tiny-renamed';
      m.graphs.denoiser.inputs.sample = 'latents';
    });
    browser = await launchBrowser();
    // The bin's and the picker's behaviour, not a model's: the baseline (720x480, 2 steps) is pinned as the default.
    host = await startHost({ home: await homeWithDefaultModel('dwm-baseline-overlay') });
    ({ page, errors } = await newPage(browser));
    projectDir = path.join(await tempDir('add-model'), 'p');
    await page.goto(host.openUrl);
    await createProjectInPage(page, 'Add model', projectDir);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('refuses a broken bundle naming each file, then adds a good one and chooses it', async () => {
    const bin = page.getByRole('complementary', { name: 'Shot bin' });
    const generate = bin.getByTestId('generate');
    const picker = generate.getByRole('combobox').first();
    await expect.poll(() => picker.inputValue()).toBe('dwm-baseline-overlay');

    await generate.getByRole('button', { name: 'Add model…' }).click();
    const folder = generate.getByLabel('Model bundle folder (a path on the machine running the studio)');
    await folder.fill(broken);
    await generate.getByTestId('add-model').getByRole('button', { name: 'Add', exact: true }).click();
    const refusal = generate.getByTestId('add-model-errors');
    await refusal.waitFor();
    expect(await refusal.getByRole('listitem').allTextContents()).toEqual([
      'manifest.json: graphs.vaeDecoder.file "vae_decoder.onnx" is missing',
      'denoiser.onnx: input "timestep" is int64, manifest says float32 (timestepType)',
    ]);
    expect(await refusal.textContent()).toContain(broken);
    await generate.scrollIntoViewIfNeeded();
    await generate.screenshot({ path: path.join(RESULTS_DIR, 'add-model-refused.png') });
    expect((await invokeApi(host, 'settings.get', {})).body.value).toMatchObject({ modelFolders: [] });

    await folder.fill(good);
    await generate.getByTestId('add-model').getByRole('button', { name: 'Add', exact: true }).click();
    await generate.getByTestId('add-model-added').waitFor();
    expect(await generate.getByTestId('add-model-added').textContent()).toBe(`Added: Tiny added · ${TINY_SPEC}`);
    expect(await refusal.count()).toBe(0);
    // Chosen in the picker, which names each model with its conditioning spec.
    await expect.poll(() => picker.inputValue()).toBe('tiny-added');
    expect(await picker.locator('option:checked').textContent()).toBe(`Tiny added · ${TINY_SPEC}`);
    expect(await picker.locator('option[value="dwm-baseline-overlay"]').textContent()).toBe(
      'DWM baseline: hand overlay · 720x480 · 49 frames · 8 fps — Baseline: hand overlay, no learned dynamics',
    );
    // The model's 9 frames are the first 1.1 s of the 49-frame demo shot, and the panel says so.
    expect(await generate.getByTestId('gen-coverage').textContent()).toBe(
      'This model takes 9 frames at 8 fps (1.1 s): the first 1.1 s of the shot (49 frames at 8 fps, 6.1 s) are rendered.',
    );
    // The conditioning panel follows the choice.
    expect(await bin.getByTestId('conditioning-spec').textContent()).toBe(TINY_SPEC);
    expect(await bin.getByText('Not rendered yet for Tiny added.').count()).toBe(1);
    expect((await invokeApi(host, 'settings.get', {})).body.value).toMatchObject({ modelFolders: [good] });
    await screenshot(page, 'add-model-generate');
    await generate.screenshot({ path: path.join(RESULTS_DIR, 'add-model-added.png') });
    expect(errors).toEqual([]);
  }, 60_000);

  it("generates with the added model: the conditioning is rendered at the model's size, length and rate", async () => {
    const bin = page.getByRole('complementary', { name: 'Shot bin' });
    const generate = bin.getByTestId('generate');
    await generate.getByRole('button', { name: /^Generate/ }).click();
    await poll(page, `!!document.querySelector('[data-testid=take-card][data-status=done]')`, 'a done take', 120_000, TAKE_FAILURE);

    const state = (await invokeApi(host, 'project.current', {})).body.value as { document: { activeShotId: string } };
    const shotId = state.document.activeShotId;
    const render = (await invokeApi(host, 'render.latest', { shotId, modelId: 'tiny-added' })).body.value as {
      staticVideo: string;
      handsVideo: string;
      poses: string;
    } | null;
    expect(render).not.toBeNull();
    for (const video of [render?.staticVideo, render?.handsVideo]) {
      expect(await probeVideo(path.join(projectDir, video as string))).toMatchObject({ width: 64, height: 48, frames: 9, fps: 8 });
    }
    const poses = JSON.parse(await fs.readFile(path.join(projectDir, render?.poses as string), 'utf8'));
    expect(poses).toMatchObject({ width: 64, height: 48, fps: 8, frame_count: 9, spec: { handColours: { left: [150, 235, 150] } } });

    const card = bin.locator('[data-testid=take-card][data-status=done]');
    const takeId = (await card.getAttribute('data-take-id')) as string;
    expect(await probeVideo(path.join(projectDir, 'takes', takeId, 'generated.mp4'))).toMatchObject({
      width: 64,
      height: 48,
      frames: 9,
      fps: 8,
    });
    expect(await card.textContent()).toMatch(/64×48, 9 frames/);

    // The baseline needs 720x480, 49 frames: the render made for the tiny model does not count for it.
    expect((await invokeApi(host, 'render.latest', { shotId, modelId: 'dwm-baseline-overlay' })).body.value).toBeNull();
    await generate.getByRole('combobox').first().selectOption('dwm-baseline-overlay');
    await bin.getByText('Not rendered yet for DWM baseline: hand overlay.').waitFor();
    expect(await bin.getByTestId('conditioning-spec').textContent()).toBe('720x480 · 49 frames · 8 fps');
    expect(await generate.getByTestId('gen-coverage').count()).toBe(0);
    await generate.getByRole('combobox').first().selectOption('tiny-added');
    await bin.getByTestId('conditioning-videos').waitFor();
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'add-model-generated.png') });
    expect(errors).toEqual([]);
  }, 180_000);

  it('Settings › Models lists the added model with its spec and refuses a bundle whose graph does not match, naming the file', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const entry = dialog.locator('[data-model-id="tiny-added"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain(`tiny-added 1.0.0 · ${TINY_SPEC}`);
    expect(await entry.textContent()).toContain('chosen for generation');
    expect(await dialog.locator('[data-model-id="dwm-baseline-overlay"]').textContent()).toContain(
      'Baseline: hand overlay, no learned dynamics',
    );

    await dialog.getByRole('button', { name: 'Add model…' }).click();
    await dialog.getByLabel('Model bundle folder (a path on the machine running the studio)').fill(renamed);
    await dialog.getByTestId('add-model').getByRole('button', { name: 'Add', exact: true }).click();
    const refusal = dialog.getByTestId('add-model-errors');
    await refusal.waitFor();
    const problems = await refusal.getByRole('listitem').allTextContents();
    expect(problems[0]).toMatch(/^denoiser\.onnx: the manifest feeds "latents" but the graph has no such input/);
    expect(problems).toHaveLength(2);
    await refusal.scrollIntoViewIfNeeded();
    await screenshot(page, 'add-model-settings');
    await dialog.screenshot({ path: path.join(RESULTS_DIR, 'add-model-settings-dialog.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
