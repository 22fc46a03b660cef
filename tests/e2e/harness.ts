import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchHeadlessChromium } from '../../src/main/cli/render-command';

/**
 * End-to-end harness: the real studio host started through its command line, and Debian's
 * Chromium driven by playwright-core. Nothing is mocked; each test gets fresh folders.
 */
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RESULTS_DIR = path.join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RunningHost {
  url: string;
  openUrl: string;
  port: number;
  home: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `dwm-e2e-${prefix}-`));
}

/**
 * A settings folder whose default model is `modelId`: tests of the conditioning renderer's
 * fidelity at the reference size (720x480) pin the overlay baseline, so that a learned model
 * installed beside it (it would be the default, at its own size, e.g. 144x96) changes nothing.
 */
export async function homeWithDefaultModel(modelId: string): Promise<string> {
  const home = await tempDir('home');
  await fs.writeFile(path.join(home, 'settings.json'), JSON.stringify({ schemaVersion: 1, defaultModelId: modelId }));
  return home;
}

/** Start `dwm-studio serve --json` with its own settings folder and wait for its URL line. */
export async function startHost(opts: { home?: string; project?: string } = {}): Promise<RunningHost> {
  const home = opts.home ?? (await tempDir('home'));
  const args = [path.join(ROOT, 'bin', 'dwm-studio.mjs'), 'serve', '--no-build', '--json', '--port', '0'];
  if (opts.project) args.push('--project', opts.project);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DWM_STUDIO_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const info = await new Promise<{ url: string; openUrl: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${out}`));
    });
  });
  return {
    ...info,
    home,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The system Chromium with the same flags `dwm-studio render` and `synth` use. */
export async function launchBrowser(): Promise<Browser> {
  return launchHeadlessChromium(CHROMIUM);
}

/** A page that fails the test on any uncaught page error. */
export async function newPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8'));
}

/** Poll an expression in the page (a string: the studio's CSP forbids the eval that waitForFunction needs). */
export async function poll<T>(page: Page, expr: string, what: string, timeoutMs: number, fail?: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (fail) {
      const problem = await page.evaluate(fail);
      if (problem) throw new Error(`while waiting for ${what}: ${String(problem)}`);
    }
    const value = (await page.evaluate(expr)) as T;
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A failed take card or an error toast, as text; null while neither exists. */
export const TAKE_FAILURE = `(() => {
  const failed = document.querySelector('[data-testid=take-card][data-status=failed]');
  if (failed) return 'a take failed: ' + failed.textContent;
  const toast = document.querySelector('.toast.error');
  return toast ? 'error toast: ' + toast.textContent : null;
})()`;

export interface ApiReply {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; field?: string };
}

/** Call the host's API over HTTP as a script would, with the token of its open URL. */
export async function invokeApi(host: RunningHost, name: string, input: unknown): Promise<{ status: number; body: ApiReply }> {
  const token = new URL(host.openUrl).searchParams.get('token') ?? '';
  const r = await fetch(`${host.url}/api/invoke/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  });
  return { status: r.status, body: (await r.json()) as ApiReply };
}

/** Create a project from the start screen and wait until its sample room has loaded. */
export async function createProjectInPage(page: Page, name: string, dir: string): Promise<void> {
  await page.getByRole('button', { name: 'Create a project' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Folder (new or empty)').fill(dir);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByText('Loaded in').waitFor({ timeout: 60_000 });
}
