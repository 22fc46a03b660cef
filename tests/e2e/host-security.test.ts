import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type RunningHost, startHost, tempDir } from './harness';

/** A raw HTTP request: fetch() would normalise '..' away before it reached the host. */
function rawGet(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web host as a browser and a hostile client see it', () => {
  let browser: Browser;
  let host: RunningHost;
  let project: string;
  let token: string;

  beforeAll(async () => {
    project = path.join(await tempDir('sec'), 'p');
    const { execFileSync } = await import('node:child_process');
    const home = await tempDir('sec-home');
    execFileSync(process.execPath, ['bin/dwm-studio.mjs', 'new', project], { env: { ...process.env, DWM_STUDIO_HOME: home } });
    await fs.mkdir(path.join(project, 'takes', 't1'), { recursive: true });
    await fs.writeFile(path.join(project, 'takes', 't1', 'note.txt'), 'inside the project');
    await fs.symlink('/etc/passwd', path.join(project, 'takes', 'escape'));
    host = await startHost({ home, project });
    token = new URL(host.openUrl).searchParams.get('token') as string;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('answers 401 to a browser without the token, and to API calls without it', async () => {
    const { page } = await newPage(browser);
    const response = await page.goto(host.url);
    expect(response?.status()).toBe(401);
    expect(await page.textContent('body')).toContain('needs its access token');
    const api = await fetch(`${host.url}/api/invoke/project.current`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(401);
    const withToken = await fetch(`${host.url}/api/invoke/project.current`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as { value: { dir: string } }).value.dir).toBe(project);
  });

  it('serves project media with the token and refuses every way out of the project', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const ok = await rawGet(host.port, '/media/takes/t1/note.txt', auth);
    expect(ok).toEqual({ status: 200, body: 'inside the project' });
    expect((await rawGet(host.port, '/media/takes/t1/note.txt')).status).toBe(401);
    for (const attempt of [
      '/media/../../../../etc/passwd',
      '/media/takes/../../../../etc/passwd',
      '/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/media/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/media/%2Fetc%2Fpasswd',
      '/media/takes/escape',
    ]) {
      const res = await rawGet(host.port, attempt, auth);
      expect(res.status, attempt).toBe(403);
      expect(res.body, attempt).not.toContain('root:');
    }
  });

  it('refuses a cross-site page and a foreign Host header even with the token', async () => {
    const foreignHost = await rawGet(host.port, '/', { ...{ Authorization: `Bearer ${token}` }, Host: `evil.example:${host.port}` });
    expect(foreignHost.status).toBe(403);
    const crossSite = await fetch(`${host.url}/api/invoke/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, Origin: 'http://evil.example' },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
  });

  it('validates API input against the contract and says which field is wrong', async () => {
    const res = await fetch(`${host.url}/api/invoke/project.create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ dir: 42, name: 'x' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { ok: boolean; error: { code: string; field: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('BAD_INPUT');
    expect(body.error.field).toBe('dir');
  });

  it('sends a strict Content-Security-Policy with the UI', async () => {
    const { page } = await newPage(browser);
    const response = await page.goto(host.openUrl);
    const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'"); // 'wasm-unsafe-eval' (WebAssembly only) is allowed
    expect(csp).toContain("frame-ancestors 'none'");
    // The studio runs under it: the shell rendered and the page script cannot read the token cookie.
    await page.getByTestId('project-name').waitFor();
    expect(await page.evaluate('document.cookie')).toBe('');
  });
});
