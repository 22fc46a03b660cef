import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/main/services/conditioning/ffmpeg';
import {
  createProjectInPage,
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
 * Generation through the shot bin with the bundled default, the small learned model: Generate on the demo
 * shot renders its conditioning first, queues a take, shows its progress, and the done take
 * plays beside its conditioning. Cancel stops a running take. Nothing is mocked.
 */

const BASELINE_LABEL = 'Baseline: hand overlay, no learned dynamics';
/** The bundled learned model: the studio's default out of the box. Its spec and defaults drive the checks below. */
const LEARNED = JSON.parse(readFileSync(path.join(ROOT, 'resources', 'models', 'dwm-synth-small', 'manifest.json'), 'utf8'));
const { width: W, height: H, frames: FRAMES, fps: FPS } = LEARNED.conditioning;
const STEPS: number = LEARNED.defaults.steps;

/**
 * Poll an expression in the page (a string: the studio's CSP forbids the eval that
 * waitForFunction would need). `fail` is checked first, so a failed take ends the wait at once.
 */
const VIDEO = `document.querySelector('[data-testid=take-video]')`;

describe('generation in the browser', () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];
  let dir: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    host = await startHost();
    ({ page, errors } = await newPage(browser));
    dir = path.join(await tempDir('gen'), 'p');
    await page.goto(host.openUrl);
    await createProjectInPage(page, 'Generation', dir);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('renders the conditioning, generates a take with visible progress, and plays it', async () => {
    const bin = page.getByRole('complementary', { name: 'Shot bin' });
    const generate = bin.getByTestId('generate');
    const picker = generate.getByRole('combobox').first();
    await expect.poll(() => picker.inputValue()).toBe(LEARNED.id);
    expect(await picker.locator('option:checked').textContent()).toBe(`${LEARNED.name} · ${W}x${H} · ${FRAMES} frames · ${FPS} fps`);
    // The baseline stays on offer, labelled as one.
    expect(await picker.locator('option[value="dwm-baseline-overlay"]').textContent()).toContain(BASELINE_LABEL);
    // The model does not read the prompt: the field is greyed out.
    expect(await generate.getByLabel('Prompt').isDisabled()).toBe(true);

    // Record every phase text a running card shows (the denoising steps of a small model's take are brief).
    await page.evaluate(`(() => {
      window.__phases = [];
      const seen = () => {
        for (const el of document.querySelectorAll('[data-testid=take-phase]')) {
          if (window.__phases[window.__phases.length - 1] !== el.textContent) window.__phases.push(el.textContent);
        }
      };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    const started = Date.now();
    await generate.getByRole('button', { name: /^Generate/ }).click();
    // The demo shot was never rendered: Generate renders its conditioning first, with progress.
    await page.getByTestId('generate-render-progress').waitFor({ timeout: 30_000 });
    const rendered = Date.now();

    await poll(
      page,
      `(() => {
        const card = document.querySelector('[data-testid=take-card][data-status=running]');
        const bar = card?.querySelector('progress');
        return !!bar && bar.getBoundingClientRect().height > 0 && !!card.querySelector('[data-testid=take-phase]');
      })()`,
      'a running take with a progress bar',
      120_000,
      TAKE_FAILURE,
    );
    const running = Date.now();
    // The conditioning panel shows the render Generate made.
    await bin.getByTestId('conditioning-videos').waitFor({ timeout: 5_000 });
    await screenshot(page, 'generation-running');
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'generation-bin-running.png') });

    // Best effort, for a look at the bar mid-denoising (the phase recorder above is what is asserted).
    const stepShown = await poll(
      page,
      `/^Step/.test(document.querySelector('[data-testid=take-phase]')?.textContent ?? '')`,
      'a step',
      60_000,
    ).catch(() => false);
    if (stepShown) await bin.screenshot({ path: path.join(RESULTS_DIR, 'generation-bin-step.png') });

    await poll(page, `!!document.querySelector('[data-testid=take-card][data-status=done]')`, 'a done take', 120_000, TAKE_FAILURE);
    const done = Date.now();
    console.log(
      `generation timing: click to render progress ${((rendered - started) / 1000).toFixed(1)} s, render + queue until running ${((running - rendered) / 1000).toFixed(1)} s, running until done ${((done - running) / 1000).toFixed(1)} s`,
    );
    const phases = (await page.evaluate('window.__phases')) as string[];
    console.log(`phases shown: ${phases.join(' | ')}`);
    expect(
      phases.some((p) => new RegExp(`^Step [1-${STEPS}] of ${STEPS}$`).test(p)),
      `phases: ${phases.join(', ')}`,
    ).toBe(true);

    const card = bin.locator('[data-testid=take-card][data-status=done]');
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Open the top drawer take 1');
    expect(text).toContain(LEARNED.name);
    expect(text).not.toContain(BASELINE_LABEL);
    expect(text).toContain(`seed 42 · ${STEPS} steps`);
    expect(text).toMatch(/ran on cpu/);
    expect(text).toMatch(new RegExp(`Done in [\\d.]+ s · ${W}×${H}, ${FRAMES} frames`));
    expect(await card.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    // The generated file itself, checked with ffprobe.
    const takeId = (await card.getAttribute('data-take-id')) as string;
    const probe = await probeVideo(path.join(dir, 'takes', takeId, 'generated.mp4'));
    expect(probe).toMatchObject({ width: W, height: H, frames: FRAMES, fps: FPS });

    // Select it: the player shows the generated video beside its conditioning.
    await card.locator('.take-main').click();
    const player = bin.getByTestId('take-player');
    await player.waitFor();
    expect(await player.locator('video').count()).toBe(3);
    await poll(page, `${VIDEO}.readyState >= 2`, 'the take video to load', 20_000);
    const meta = (await page.evaluate(
      `(() => { const v = ${VIDEO}; return { duration: v.duration, width: v.videoWidth, height: v.videoHeight }; })()`,
    )) as {
      duration: number;
      width: number;
      height: number;
    };
    expect(Math.abs(meta.duration - FRAMES / FPS)).toBeLessThan(0.15);
    expect(meta.width).toBe(W);
    expect(meta.height).toBe(H);
    const before = (await page.evaluate(`${VIDEO}.currentTime`)) as number;
    await page.evaluate(`${VIDEO}.play()`);
    await poll(page, `${VIDEO}.currentTime > ${before} + 0.3`, 'the take video to advance while playing', 10_000);
    await page.evaluate(`${VIDEO}.pause()`);

    // Frame step with the player focused: the playhead (and the three videos) move one frame.
    await player.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => player.getByTestId('take-frame').textContent()).toBe('1 / 48');
    expect(await page.getByTestId('frame-counter').textContent()).toMatch(/^1 \/ 48/);
    await poll(page, `Math.abs(${VIDEO}.currentTime - 1.5 / 8) < 0.01`, 'the take video to show frame 1', 5_000);
    // Frame 31: the right hand holds the drawer, a frame worth looking at in the screenshot.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => player.getByTestId('take-frame').textContent()).toBe('31 / 48');
    await player.scrollIntoViewIfNeeded();
    await screenshot(page, 'generation-done');
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'generation-bin-done.png') });
    await card.scrollIntoViewIfNeeded();
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'generation-bin-done-card.png') });
    expect(errors).toEqual([]);
  }, 240_000);

  it('cancels a running take (Ctrl+Enter generates)', async () => {
    const bin = page.getByRole('complementary', { name: 'Shot bin' });
    const generate = bin.getByTestId('generate');
    // Many steps keep the take running long enough to cancel it mid-way.
    await generate.getByLabel('Steps').fill('60');
    await generate.getByLabel('Steps').press('Control+Enter');
    const takeId = await poll<string>(
      page,
      `document.querySelector('[data-testid=take-card][data-status=running]')?.getAttribute('data-take-id') ?? ''`,
      'the second take to run',
      60_000,
      TAKE_FAILURE,
    );
    const card = bin.locator(`[data-testid=take-card][data-take-id="${takeId}"]`);
    expect(await card.textContent()).toContain('60 steps');
    await card.getByRole('button', { name: 'Cancel' }).click();
    await poll(
      page,
      `document.querySelector('[data-take-id="${takeId}"]')?.dataset.status === 'cancelled'`,
      'the take to be cancelled',
      30_000,
    );
    expect(await card.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    expect(await card.getByTestId('take-progress').count()).toBe(0);
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'generation-bin-cancelled.png') });
    expect(errors).toEqual([]);
  }, 120_000);
});
