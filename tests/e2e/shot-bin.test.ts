import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjectInPage,
  homeWithDefaultModel,
  launchBrowser,
  newPage,
  poll,
  RESULTS_DIR,
  type RunningHost,
  readJson,
  screenshot,
  startHost,
  TAKE_FAILURE,
  tempDir,
  until,
} from './harness';

/**
 * The shot bin with real takes of the bundled baseline model: three variations of the demo
 * shot are generated, then rated, flagged and tagged (checked in take.json), sorted and
 * filtered, compared (side by side, wipe, difference, flicker, metrics table), deleted and
 * restored with the bin's undo (checked in the project's trash), and all of it survives a
 * reload. A reference sample with ground truth then gets the four-panel player.
 */

const CARDS = `document.querySelectorAll('[data-testid=take-card]')`;
const DIFF = `document.querySelector('[data-testid=diff-canvas]')`;

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );

describe('shot bin', () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];
  let dir: string;
  let bin: Locator;
  /** The three takes, newest first (take 3, 2, 1). */
  let ids: string[] = [];
  const card = (id: string) => bin.locator(`[data-testid=take-card][data-take-id="${id}"]`);
  const takeJson = (id: string) => path.join(dir, 'takes', id, 'take.json');
  const cardCount = () => page.evaluate(`${CARDS}.length`) as Promise<number>;

  beforeAll(async () => {
    browser = await launchBrowser();
    // The bin's and the picker's behaviour, not a model's: the baseline (720x480, 2 steps) is pinned as the default.
    host = await startHost({ home: await homeWithDefaultModel('dwm-baseline-overlay') });
    ({ page, errors } = await newPage(browser));
    dir = path.join(await tempDir('bin'), 'p');
    await page.goto(host.openUrl);
    await createProjectInPage(page, 'Shot bin', dir);
    bin = page.getByRole('complementary', { name: 'Shot bin' });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('generates three variations shown as cards with posters and figures', async () => {
    const generate = bin.getByTestId('generate');
    await expect.poll(() => generate.getByRole('combobox').first().inputValue()).toBe('dwm-baseline-overlay');
    await generate.getByLabel('Steps').fill('1');
    await generate.getByLabel('Variations').fill('3');
    const started = Date.now();
    await generate.getByRole('button', { name: /^Generate/ }).click();
    await poll(page, `${CARDS}.length === 3`, 'three queued takes', 90_000, TAKE_FAILURE);
    const queued = Date.now();
    await poll(
      page,
      `document.querySelectorAll('[data-testid=take-card][data-status=done]').length === 3`,
      'three done takes',
      150_000,
      TAKE_FAILURE,
    );
    const done = Date.now();
    ids = (await page.evaluate(`[...${CARDS}].map((c) => c.dataset.takeId)`)) as string[];
    console.log(
      `shot bin: render + queue ${((queued - started) / 1000).toFixed(1)} s, three takes done ${((done - queued) / 1000).toFixed(1)} s later`,
    );
    expect(ids).toHaveLength(3);
    const names = await bin.locator('[data-testid=take-card] .take-name').allTextContents();
    expect(names).toEqual(['Open the top drawer take 3', 'Open the top drawer take 2', 'Open the top drawer take 1']);
    const text = (await card(ids[0] as string).textContent()) ?? '';
    expect(text).toMatch(/seed 44 · 1 step · guidance 1 · ran on cpu/);
    expect(text).toContain('baseline');

    // Posters: the JPEG each take got when it finished (lazy <img> in the card).
    await poll(
      page,
      `[...document.querySelectorAll('[data-testid=take-thumb] img')].filter((i) => i.complete && i.naturalWidth === 240).length === 3`,
      'three posters 240 px wide',
      30_000,
    );
    // Hovering swaps in the animated preview.
    const thumb = card(ids[0] as string).getByTestId('take-thumb');
    await thumb.hover();
    await expect.poll(() => thumb.locator('img').getAttribute('src')).toMatch(/preview\.webp/);
    await page.mouse.move(5, 5);

    // The demo shot has no ground truth: consistency and flicker only, a figure or "—" until measured.
    const metrics = card(ids[0] as string).getByTestId('take-metrics');
    const labels = await metrics.locator('dt').allTextContents();
    expect(labels).toEqual(['Consistency', 'Flicker']);
    console.log(`take 3 figures: ${(await metrics.textContent())?.replace(/\s+/g, ' ')}`);
    await page.evaluate(`document.querySelector('[data-testid=takes]').scrollIntoView()`);
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'shot-bin-cards.png') });
  }, 240_000);

  it('rates, flags, tags and renames a take, saved in take.json; sorts and filters', async () => {
    const [t3, t2, t1] = ids as [string, string, string];
    // Keys on a focused card: 4 rates it.
    await card(t1).focus();
    await page.keyboard.press('4');
    await expect.poll(() => card(t1).getAttribute('data-rating')).toBe('4');
    await until(async () => ((await readJson(takeJson(t1))).review as { rating: number }).rating === 4, 'the rating in take.json');
    // Click a star, the flag, add a tag.
    await card(t2).getByRole('button', { name: '2 stars' }).click();
    await card(t1).getByRole('button', { name: 'Flag' }).click();
    await card(t1).getByLabel('Add a tag').fill('drawer');
    await card(t1).getByLabel('Add a tag').press('Enter');
    await until(async () => {
      const r = (await readJson(takeJson(t1))).review as { rating: number; flagged: boolean; tags: string[] };
      return r.rating === 4 && r.flagged && r.tags.join() === 'drawer';
    }, 'rating, flag and tag in take.json');
    expect(((await readJson(takeJson(t2))).review as { rating: number }).rating).toBe(2);
    // Rename with a double-click on the name.
    await card(t3).locator('.take-name').dblclick();
    const nameField = card(t3).getByLabel('Take name');
    await nameField.fill('Best drawer pull');
    await nameField.press('Enter');
    await until(async () => (await readJson(takeJson(t3))).name === 'Best drawer pull', 'the new name in take.json');

    // Sort by rating: the 4-star take first, then the 2-star one.
    const toolbar = bin.getByTestId('bin-toolbar');
    await toolbar.getByLabel('Sort takes by').selectOption('rating');
    await expect.poll(() => page.evaluate(`[...${CARDS}].map((c) => c.dataset.takeId)`)).toEqual([t1, t2, t3]);
    await toolbar.getByLabel('Sort takes by').selectOption('seed');
    await expect.poll(() => page.evaluate(`[...${CARDS}].map((c) => c.dataset.takeId)`)).toEqual([t1, t2, t3]);
    // Filters: flagged only, then a minimum rating.
    await toolbar.getByRole('button', { name: /^Filter/ }).click();
    await toolbar.getByLabel('Flagged only').check();
    await expect.poll(cardCount).toBe(1);
    await toolbar.getByLabel('Flagged only').uncheck();
    await toolbar.getByLabel('Minimum rating').selectOption('2');
    await expect.poll(cardCount).toBe(2);
    expect(await bin.getByTestId('bin-shown').textContent()).toBe('Showing 2 of 3');
    await toolbar.getByLabel('Filter by tag').selectOption('drawer');
    await expect.poll(cardCount).toBe(1);
    await page.evaluate(`document.querySelector('[data-testid=takes]').scrollIntoView()`);
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'shot-bin-filtered.png') });
    await toolbar.getByRole('button', { name: 'Clear filters' }).click();
    await toolbar.getByLabel('Sort takes by').selectOption('newest');
    await toolbar.getByRole('button', { name: /^Filter/ }).click();
    await expect.poll(cardCount).toBe(3);
    expect(errors).toEqual([]);
  }, 60_000);

  it('compares two takes: side by side, wipe, difference, flicker, metrics table', async () => {
    const [t3, t2] = ids as [string, string, string];
    await card(t3).getByRole('checkbox').check();
    // Ctrl-click ticks too.
    await card(t2)
      .locator('.take-params')
      .click({ modifiers: ['Control'] });
    await expect.poll(() => bin.getByTestId('bin-selection').textContent()).toContain('2 selected');
    await bin.getByTestId('bin-selection').getByRole('button', { name: 'Compare' }).click();
    const compare = page.getByTestId('compare');
    await compare.waitFor();
    expect(await compare.getByTestId('compare-video').count()).toBe(2);
    await poll(
      page,
      `[...document.querySelectorAll('[data-testid=compare] video')].every((v) => v.readyState >= 2)`,
      'the compared videos to load',
      20_000,
    );
    // Frame 31 (the right hand on the drawer), stepped with the keys in the compare view.
    await compare.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => compare.getByTestId('compare-frame').textContent()).toBe('31 / 48');
    expect(await page.getByTestId('frame-counter').textContent()).toMatch(/^31 \/ 48/);
    await poll(
      page,
      `[...document.querySelectorAll('[data-testid=compare] video')].every((v) => !v.seeking && Math.abs(v.currentTime - 31.5 / 8) < 0.01)`,
      'the compared videos at frame 31',
      10_000,
    );
    await screenshot(page, 'shot-bin-compare-side');

    // Wipe: A over B, clipped at the handle; the slider and a drag both move it.
    await compare.getByRole('tab', { name: 'Wipe' }).click();
    const wipe = compare.getByTestId('wipe');
    await wipe.waitFor();
    const clip = async () => (await compare.getByTestId('wipe-a').getAttribute('style')) ?? '';
    expect(await clip()).toMatch(/inset\(0(px)? 50% 0(px)? 0(px)?\)/);
    await compare.getByLabel('Wipe position').fill('25');
    await expect.poll(clip).toMatch(/inset\(0(px)? 75% 0(px)? 0(px)?\)/);
    const box = await wipe.boundingBox();
    if (!box) throw new Error('no wipe box');
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const pos = Number(await wipe.getAttribute('data-pos'));
    expect(Math.abs(pos - 70)).toBeLessThan(1.5);
    const right = Number(/inset\(\S+ ([\d.]+)%/.exec(await clip())?.[1]);
    expect(Math.abs(right - (100 - pos))).toBeLessThan(0.05);
    const left = Number(/left: ([\d.]+)%/.exec((await compare.getByTestId('wipe-handle').getAttribute('style')) ?? '')?.[1]);
    expect(Math.abs(left - pos)).toBeLessThan(0.05);
    await screenshot(page, 'shot-bin-compare-wipe');

    // Difference of two seeds of the baseline: it lands on the same composite for any seed, so |A - B| is near zero.
    await compare.getByRole('tab', { name: 'Difference' }).click();
    const drawn = async (after: number) =>
      poll<{ draws: number; mean: number; max: number; time: number }>(
        page,
        `(() => { const c = ${DIFF}; const d = Number(c?.dataset.draws ?? 0);
          return d > ${after} ? { draws: d, mean: Number(c.dataset.mean), max: Number(c.dataset.max), time: Number(c.dataset.time) } : null; })()`,
        'the difference to be drawn',
        15_000,
      );
    /** Pixels of the heat map brighter than near-black (the ramp maps 0 to black). */
    const litPixels = () =>
      page.evaluate(`(() => { const c = ${DIFF}; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 30) n++; return { n, w: c.width, h: c.height }; })()`) as Promise<{
        n: number;
        w: number;
        h: number;
      }>;
    let d = await drawn(0);
    expect(Math.abs(d.time - 31.5 / 8)).toBeLessThan(0.01);
    console.log(`diff take 3 vs take 2 (seeds 44, 43) at frame 31: mean ${d.mean}, max ${d.max} (0-255)`);
    expect(d.mean).toBeLessThan(1);
    const twoSeeds = await litPixels();
    expect(twoSeeds.w).toBe(720);
    expect(twoSeeds.h).toBe(480);
    // A take against itself: exactly zero, every pixel black.
    await compare.getByLabel('Video B').selectOption(t3);
    d = await drawn(d.draws);
    expect(d.max).toBe(0);
    expect((await litPixels()).n).toBe(0);
    // The take against the static conditioning: the overlaid hand differs, so the heat map lights up there.
    await compare.getByLabel('Video B').selectOption('static');
    d = await drawn(d.draws);
    const lit = await litPixels();
    console.log(
      `diff take 3 vs static video at frame 31: mean ${d.mean}, max ${d.max}; ${lit.n} of ${lit.w * lit.h} pixels lit (two seeds: ${twoSeeds.n})`,
    );
    expect(d.max).toBeGreaterThan(40);
    expect(lit.n).toBeGreaterThan(500);
    await screenshot(page, 'shot-bin-compare-diff');

    // Flicker: A and B in turn.
    await compare.getByLabel('Video B').selectOption(t2);
    await compare.getByRole('tab', { name: 'Flicker' }).click();
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      seen.add((await compare.getByTestId('flicker').getAttribute('data-showing')) ?? '');
      await page.waitForTimeout(110);
    }
    expect([...seen].sort()).toEqual(['A', 'B']);

    // The figures table, sorted by a column.
    const table = compare.getByTestId('compare-metrics');
    expect(await table.locator('tbody tr').count()).toBe(2);
    await table.getByRole('button', { name: 'Seed' }).click();
    await expect.poll(() => table.locator('th[aria-sort=ascending]').textContent()).toContain('Seed');
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-take-id')))).toEqual([t2, t3]);
    await table.getByRole('button', { name: /^Seed/ }).click();
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-take-id')))).toEqual([t3, t2]);

    await compare.getByRole('tab', { name: 'Side by side' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('compare').count()).toBe(0);
    await bin.getByTestId('bin-selection').getByRole('button', { name: 'Clear' }).click();
    expect(errors).toEqual([]);
  }, 90_000);

  it('deletes to the project trash and undoes with Ctrl+Z in the bin; bulk delete and Undo', async () => {
    const [t3, t2, t1] = ids as [string, string, string];
    // A document edit first (the project renamed), so a stray document undo would show.
    await page.getByTitle('Rename project').click();
    await page.getByLabel('Project name').fill('Shot bin renamed');
    await page.getByLabel('Project name').press('Enter');
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Shot bin renamed');
    await card(t2).focus();
    await page.keyboard.press('Delete');
    await expect.poll(cardCount).toBe(2);
    expect(await exists(path.join(dir, '.trash', 'takes', t2, 'take.json'))).toBe(true);
    expect(await exists(path.join(dir, 'takes', t2))).toBe(false);
    await expect.poll(() => bin.getByTestId('undo-banner').textContent()).toContain('Deleted 1 take');
    // Focus moved to the next card, still in the bin: Ctrl+Z is the bin's undo.
    expect(await page.evaluate(`document.activeElement?.dataset.takeId`)).toBe(t1);
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'shot-bin-deleted.png') });
    await page.keyboard.press('Control+z');
    await expect.poll(cardCount).toBe(3);
    expect(await exists(path.join(dir, 'takes', t2, 'take.json'))).toBe(true);
    expect(await exists(path.join(dir, '.trash', 'takes', t2))).toBe(false);
    // The bin's undo only: the document's rename stands.
    await page.waitForTimeout(300);
    expect(await page.getByTestId('project-name').textContent()).toBe('Shot bin renamed');
    // Outside the bin, Ctrl+Z is the document's undo again (and the restored take stays).
    await page.evaluate(`document.activeElement?.blur()`);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Shot bin');
    expect(await cardCount()).toBe(3);

    // Bulk: tick two, Delete in the selection bar, then the banner's Undo.
    await card(t3).getByRole('checkbox').check();
    await card(t1).getByRole('checkbox').check();
    await bin.getByTestId('bin-selection').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(cardCount).toBe(1);
    await expect.poll(() => bin.getByTestId('undo-banner').textContent()).toContain('Deleted 2 takes');
    expect(await exists(path.join(dir, '.trash', 'takes', t1))).toBe(true);
    await bin.getByTestId('undo-banner').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(cardCount).toBe(3);
    expect(await exists(path.join(dir, 'takes', t1, 'take.json'))).toBe(true);
    expect(await exists(path.join(dir, 'takes', t3, 'take.json'))).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);

  it('keeps everything after a reload', async () => {
    const [t3, , t1] = ids as [string, string, string];
    await page.reload();
    await page.getByText('Loaded in').waitFor({ timeout: 60_000 });
    await poll(page, `${CARDS}.length === 3`, 'three cards after the reload', 20_000);
    expect(await card(t1).getAttribute('data-rating')).toBe('4');
    expect(await card(t1).getByRole('button', { name: 'Flag' }).getAttribute('aria-pressed')).toBe('true');
    expect(await card(t1).getByTestId('take-tags').textContent()).toContain('drawer');
    expect(await card(t3).locator('.take-name').textContent()).toBe('Best drawer pull');
    // Play one: three panels (no ground truth for the demo shot).
    await card(t1).locator('.take-main').click();
    const player = bin.getByTestId('take-player');
    await player.waitFor();
    expect(await player.getAttribute('data-panels')).toBe('3');
    expect(await player.locator('video').count()).toBe(3);
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'shot-bin-after-reload.png') });
    await screenshot(page, 'shot-bin');
    expect(errors).toEqual([]);
  }, 60_000);

  it('fills the Generate form from a take and re-runs one with a new seed', async () => {
    const [t3, , t1] = ids as [string, string, string];
    const generate = bin.getByTestId('generate');
    await generate.getByLabel('Steps').fill('7');
    await card(t1).getByRole('button', { name: 'Use settings' }).click();
    await expect.poll(() => generate.getByLabel('Steps').inputValue()).toBe('1');
    expect(await generate.getByRole('spinbutton', { name: /^Seed/ }).inputValue()).toBe('42');
    expect(await generate.getByLabel('Variations').inputValue()).toBe('1');
    // New seed: the next one no take of the shot used (42-44 are taken).
    await card(t3).getByRole('button', { name: 'New seed' }).click();
    await poll(page, `${CARDS}.length === 4`, 'the re-run take', 20_000, TAKE_FAILURE);
    const rerunId = (await page.evaluate(`${CARDS}[0].dataset.takeId`)) as string;
    expect(ids).not.toContain(rerunId);
    await poll(
      page,
      `document.querySelector('[data-take-id="${rerunId}"]')?.dataset.status === 'done'`,
      'the re-run to finish',
      90_000,
      TAKE_FAILURE,
    );
    const record = await readJson(takeJson(rerunId));
    expect(record.rerunOf).toBe(t3);
    expect((record.params as { seed: number; steps: number }).seed).toBe(45);
    expect((record.params as { seed: number; steps: number }).steps).toBe(1);
    expect(await card(rerunId).textContent()).toContain('re-run');
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows static | hands | take | ground truth for a take of a reference sample', async (ctx) => {
    const samples = path.resolve(import.meta.dirname, '../../../shared/dwm-samples/realworld');
    if (!existsSync(samples)) {
      console.log('SKIPPED four-panel player: ../shared/dwm-samples not found');
      ctx.skip();
      return;
    }
    await page.getByRole('button', { name: 'Samples…' }).click();
    await page.getByLabel('Folder', { exact: true }).fill(samples);
    await page.getByRole('button', { name: 'Import samples' }).click();
    const shotSelect = page.getByLabel('Shot', { exact: true });
    await expect
      .poll(() => shotSelect.locator('option').allTextContents(), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['Sample 00017', 'Sample 00055']))
      .catch(async (err) => {
        await screenshot(page, 'shot-bin-samples-failure');
        console.log('PAGE ERRORS', errors);
        throw err;
      });
    await shotSelect.selectOption({ label: 'Sample 00017' });
    const videos = bin.getByTestId('conditioning-videos');
    await expect.poll(() => videos.locator('video').count(), { timeout: 30_000 }).toBe(3);
    await poll(page, `${CARDS}.length === 0`, "the sample shot's empty bin", 10_000);
    const generate = bin.getByTestId('generate');
    await generate.getByLabel('Steps').fill('1');
    await generate.getByLabel('Variations').fill('1');
    await generate.getByRole('button', { name: /^Generate/ }).click();
    await poll(page, `!!document.querySelector('[data-testid=take-card][data-status=done]')`, 'the sample take', 120_000, TAKE_FAILURE);
    const sampleCard = bin.locator('[data-testid=take-card]').first();
    const labels = await sampleCard.getByTestId('take-metrics').locator('dt').allTextContents();
    expect(labels).toEqual(['PSNR', 'SSIM', 'Region PSNR', 'Consistency', 'Flicker']);
    console.log(`sample take figures: ${(await sampleCard.getByTestId('take-metrics').textContent())?.replace(/\s+/g, ' ')}`);
    await sampleCard.locator('.take-main').click();
    const player = bin.getByTestId('take-player');
    await player.waitFor();
    expect(await player.getAttribute('data-panels')).toBe('4');
    expect(await player.locator('video').count()).toBe(4);
    await poll(
      page,
      `[...document.querySelectorAll('[data-testid=take-player] video')].every((v) => v.readyState >= 2)`,
      'the four videos to load',
      20_000,
    );
    await player.focus();
    for (let i = 0; i < 2; i++) await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => player.getByTestId('take-frame').textContent()).toBe('20 / 48');
    await player.scrollIntoViewIfNeeded();
    await bin.screenshot({ path: path.join(RESULTS_DIR, 'shot-bin-player-ground-truth.png') });
    expect(errors).toEqual([]);
  }, 180_000);
});
