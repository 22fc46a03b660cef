import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeApi, launchBrowser, newPage, type RunningHost, screenshot, startHost, tempDir } from './harness';

/** The Export dialog in the browser: a finished take of a reference sample, exported as a LeRobot dataset. */
const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/dwm-samples/realworld');

describe('export from the studio', () => {
  let browser: Browser;
  let host: RunningHost;
  let present = false;

  const invoke = async (name: string, input: unknown) => {
    const { body } = await invokeApi(host, name, input);
    if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
    return body.value;
  };

  beforeAll(async () => {
    present = Boolean(await fs.stat(SAMPLES).catch(() => null));
    if (!present) return;
    const project = path.join(await tempDir('export-ui'), 'p');
    const home = await tempDir('export-ui-home');
    execFileSync(process.execPath, ['bin/dwm-studio.mjs', 'new', project, '--empty'], { env: { ...process.env, DWM_STUDIO_HOME: home } });
    host = await startHost({ home, project });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('exports a finished take as a LeRobot dataset with progress, from the toolbar', async (ctx) => {
    if (!present) {
      console.log('SKIPPED reference samples: ../shared/dwm-samples not found');
      return ctx.skip();
    }
    const state = (await invoke('samples.import', { dir: SAMPLES })) as { document: { shots: { id: string; name: string }[] } };
    const shotId = state.document.shots.find((s) => s.name === 'Sample 00017')?.id ?? '';
    const [take] = (await invoke('takes.generate', { shotId, steps: 1 })) as { id: string }[];
    const end = Date.now() + 90_000;
    for (;;) {
      const list = (await invoke('takes.list', { shotId })) as { takes: { id: string; status: string }[] };
      if (list.takes.find((t) => t.id === take?.id)?.status === 'done') break;
      if (Date.now() > end) throw new Error('take not done in 90 s');
      await new Promise((r) => setTimeout(r, 500));
    }

    const { page, errors } = await newPage(browser);
    await page.goto(host.openUrl);
    await page.getByRole('button', { name: 'Export takes…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Format').selectOption('lerobot');
    await dialog.getByLabel('Takes').selectOption('project');
    const out = path.join(await tempDir('export-ui-out'), 'dataset');
    await dialog.getByLabel(/^Folder/).fill(out);
    await screenshot(page, 'export-dialog');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const toast = page.locator('.toast', { hasText: 'Exported 1 take' });
    await toast.waitFor({ timeout: 60_000 });
    const info = JSON.parse(await fs.readFile(path.join(out, 'meta', 'info.json'), 'utf8'));
    expect(info).toMatchObject({ codebase_version: 'v3.0', total_episodes: 1, total_frames: 49, fps: 8 });
    // A sample's conditioning came from files: no poses, so the dataset holds the videos only.
    expect(
      Object.keys(info.features)
        .filter((k) => k.startsWith('observation.images.'))
        .sort(),
    ).toEqual(['observation.images.egocentric', 'observation.images.hands', 'observation.images.static']);
    expect(info.features['observation.state']).toBeUndefined();
    expect(errors).toEqual([]);
  }, 180_000);
});
