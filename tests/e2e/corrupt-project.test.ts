import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type RunningHost, readJson, screenshot, startHost, tempDir } from './harness';

/** Make a valid project through the CLI, the way a user would. */
async function cliProject(home: string, name: string): Promise<string> {
  const dir = path.join(await tempDir('corrupt'), name);
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['bin/dwm-studio.mjs', 'new', dir, '--name', name], { env: { ...process.env, DWM_STUDIO_HOME: home } });
  return dir;
}

async function openByPath(page: Page, dir: string) {
  await page.getByRole('button', { name: 'Open', exact: true }).first().click();
  await page.getByLabel('Project folder (holds project.json)').fill(dir);
  await page.getByRole('dialog').getByRole('button', { name: 'Open', exact: true }).click();
}

describe('a project.json that cannot be used', () => {
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

  it('shows an error naming the file for broken JSON and leaves the file byte-for-byte unchanged', async () => {
    const dir = await cliProject(host.home, 'broken-json');
    const file = path.join(dir, 'project.json');
    const broken = (await fs.readFile(file, 'utf8')).replace('"name": "broken-json"', '"name": broken-json');
    await fs.writeFile(file, broken);
    const before = await fs.readFile(file);

    const { page } = await newPage(browser);
    await page.goto(host.openUrl);
    await openByPath(page, dir);
    const banner = page.getByTestId('open-error');
    await banner.waitFor();
    const text = await banner.textContent();
    expect(text).toContain(file);
    expect(text).toMatch(/not valid JSON at line \d+, column \d+/);
    await screenshot(page, 'corrupt-project-error');
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
    // Nothing was opened in its place.
    expect(await page.getByRole('heading', { name: 'Welcome to DWM Studio' }).isVisible()).toBe(true);
  });

  it('names the invalid field, then recovers from project.json.bak without destroying the broken file', async () => {
    const dir = await cliProject(host.home, 'bad-field');
    const file = path.join(dir, 'project.json');
    const good = await readJson(file);
    // A save keeps the previous version as project.json.bak; emulate an earlier good save.
    await fs.writeFile(path.join(dir, 'project.json.bak'), JSON.stringify({ ...good, name: 'Last good' }, null, 2));
    const bad = { ...good, shotDefaults: { ...(good.shotDefaults as object), fps: 'eight' } };
    await fs.writeFile(file, JSON.stringify(bad, null, 2));
    const before = await fs.readFile(file);

    const { page } = await newPage(browser);
    await page.goto(host.openUrl);
    await openByPath(page, dir);
    const banner = page.getByTestId('open-error');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('shotDefaults.fps');
    expect(await banner.textContent()).toContain(file);
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);

    await banner.getByRole('button', { name: 'Open last good version' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Last good');
    // Still untouched until the user saves.
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toMatch(/^Saved /);
    expect((await readJson(file)).name).toBe('Last good');
    // The broken file was moved aside, not overwritten.
    const kept = (await fs.readdir(dir)).filter((f) => f.startsWith('project.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(Buffer.compare(await fs.readFile(path.join(dir, kept[0] as string)), before)).toBe(0);
  });
});
