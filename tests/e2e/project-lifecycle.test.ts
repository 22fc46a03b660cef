import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION } from '../../src/shared/project/schema';
import { launchBrowser, newPage, type RunningHost, readJson, screenshot, startHost, tempDir } from './harness';

describe('project lifecycle in the browser', () => {
  let browser: Browser;
  let host: RunningHost;

  beforeAll(async () => {
    browser = await launchBrowser();
    host = await startHost();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('creates, renames, undoes, saves, reloads and reopens a project with its state intact', async () => {
    const { page, errors } = await newPage(browser);
    const dir = path.join(await tempDir('proj'), 'drawer-study');
    await page.goto(host.openUrl);
    // The token left the address bar: it now lives in an HttpOnly cookie.
    expect(page.url()).not.toContain('token=');
    await page.getByRole('heading', { name: 'Welcome to DWM Studio' }).waitFor();

    await page.getByRole('button', { name: 'Create a project' }).click();
    await page.getByLabel('Name').fill('Drawer study');
    await page.getByLabel('Folder (new or empty)').fill(dir);
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Drawer study');
    await expect.poll(() => page.getByTestId('shot-format').textContent()).toContain('49 frames · 8 fps · 720×480');

    // Rename through the toolbar: one undoable edit.
    await page.getByTestId('project-name').click();
    await page.getByLabel('Project name').fill('Dresser drawer, take 1');
    await page.getByLabel('Project name').press('Enter');
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Dresser drawer, take 1');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Unsaved changes');

    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Drawer study');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Dresser drawer, take 1');

    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toMatch(/^Saved /);
    const onDisk = await readJson(path.join(dir, 'project.json'));
    expect(onDisk.name).toBe('Dresser drawer, take 1');
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    // A new project opens with the bundled sample room.
    expect((onDisk.scenes as { name: string }[]).map((s) => s.name)).toEqual(['Sample room']);
    // The version before this save is kept beside it.
    expect((await readJson(path.join(dir, 'project.json.bak'))).name).toBe('Drawer study');

    await screenshot(page, 'studio-shell-open-project');

    // Reload: the host still has the project open.
    await page.reload();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Dresser drawer, take 1');

    // Close, then reopen from the recent list.
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('heading', { name: 'Welcome to DWM Studio' }).waitFor();
    await page.getByRole('button', { name: /Dresser drawer, take 1/ }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Dresser drawer, take 1');
    expect(errors).toEqual([]);
  });

  it('opens a project by typed path after a restart of the host, state intact', async () => {
    const dir = path.join(await tempDir('restart'), 'p');
    const first = await startHost();
    const { page } = await newPage(browser);
    await page.goto(first.openUrl);
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByLabel('Name').fill('Fridge door');
    await page.getByLabel('Folder (new or empty)').fill(dir);
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Fridge door');
    await first.stop();

    // A new host process with the same settings reopens the last project on its own.
    const second = await startHost({ home: first.home });
    try {
      const { page: page2 } = await newPage(browser);
      await page2.goto(second.openUrl);
      await expect.poll(() => page2.getByTestId('project-name').textContent()).toBe('Fridge door');
      // And Open by typed path works too.
      await page2.getByRole('button', { name: 'Close', exact: true }).click();
      await page2.getByRole('button', { name: 'Open a project' }).click();
      await page2.getByLabel('Project folder (holds project.json)').fill(dir);
      await page2.getByRole('dialog').getByRole('button', { name: 'Open', exact: true }).click();
      await expect.poll(() => page2.getByTestId('project-name').textContent()).toBe('Fridge door');
      expect((await fs.readdir(dir)).sort()).toEqual(expect.arrayContaining(['project.json', 'scenes', 'takes']));
    } finally {
      await second.stop();
    }
  });
});
