import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../src/main/host/web-host';
import { createStudio, type Studio } from '../../src/main/studio';

const INDEX_HTML = '<!doctype html><title>DWM Studio test shell</title>';

let tmp: string;
let studio: Studio;
let host: WebHost;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-webhost-')));
  const rendererDir = path.join(tmp, 'renderer');
  await fs.mkdir(rendererDir);
  await fs.writeFile(path.join(rendererDir, 'index.html'), INDEX_HTML);
  studio = await createStudio({ userDataDir: path.join(tmp, 'user-data'), host: { transport: 'web' }, log: () => {} });
  await studio.services.settings.update({ autosaveSeconds: 0 });
  host = await startWebHost({ studio, rendererDir, port: 0 });
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  // Bounded, so that one test leaving a socket half-open cannot hang every later test.
  await Promise.race([host.close(), new Promise((resolve) => setTimeout(resolve, 2000))]);
  await studio.shutdown();
  await fs.rm(tmp, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One raw HTTP request. node:http sends the path exactly as given (fetch and URL would
 * normalise "..", which is the very thing these tests must send).
 */
function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const bearer = () => ({ Authorization: `Bearer ${host.token}` });

function invoke(name: string, input: unknown, headers: Record<string, string> = bearer()): Promise<Reply> {
  return request({
    method: 'POST',
    path: `/api/invoke/${name}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
}

/** Create a project through the API, with a media file inside it. */
async function projectWithMedia(): Promise<string> {
  const dir = path.join(tmp, 'proj');
  const reply = await invoke('project.create', { dir, name: 'Media test' });
  expect(reply.status).toBe(200);
  await fs.mkdir(path.join(dir, 'media'));
  await fs.writeFile(path.join(dir, 'media', 'a.txt'), 'media bytes 123');
  return dir;
}

describe('token', () => {
  it('refuses the page without a token', async () => {
    const reply = await request({ path: '/' });
    expect(reply.status).toBe(401);
    expect(reply.body).not.toContain(INDEX_HTML);
  });

  it('refuses a wrong token in the URL', async () => {
    const reply = await request({ path: '/?token=WRONG' });
    expect(reply.status).toBe(401);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a wrong bearer token and a wrong cookie', async () => {
    expect((await request({ path: '/', headers: { Authorization: 'Bearer WRONG' } })).status).toBe(401);
    expect((await request({ path: '/', headers: { Cookie: 'dwm_token=WRONG' } })).status).toBe(401);
  });

  it('answers 401, not a server error, for a cookie with broken percent-encoding', async () => {
    const reply = await request({ path: '/', headers: { Cookie: 'dwm_token=%E0%A4%A' } });
    expect(reply.status).toBe(401);
  });

  it('turns the right token into an HttpOnly, SameSite=Strict cookie and drops it from the address', async () => {
    const reply = await request({ path: `/?token=${host.token}` });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    const cookie = reply.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain(`dwm_token=${encodeURIComponent(host.token)}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('serves the page with the cookie, under a strict Content-Security-Policy', async () => {
    const login = await request({ path: `/?token=${host.token}` });
    const cookie = (login.headers['set-cookie']?.[0] ?? '').split(';')[0] as string;

    const reply = await request({ path: '/', headers: { Cookie: cookie } });

    expect(reply.status).toBe(200);
    expect(reply.body).toBe(INDEX_HTML);
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'"); // 'wasm-unsafe-eval' (WebAssembly only) is allowed
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('static files', () => {
  it('answers 404 for a path outside the renderer folder', async () => {
    // Raw "..": the host must not serve files beside or above the renderer folder.
    await fs.writeFile(path.join(tmp, 'beside.txt'), 'not for the browser');
    for (const p of ['/../beside.txt', '/%2e%2e/beside.txt', '/etc/passwd', '/no/such/page']) {
      const reply = await request({ path: p, headers: bearer() });
      expect(reply.status, p).toBe(404);
      expect(reply.body).not.toContain('not for the browser');
    }
  });

  it('refuses methods other than GET and HEAD for pages', async () => {
    expect((await request({ method: 'POST', path: '/', headers: bearer() })).status).toBe(405);
  });
});

describe('API', () => {
  it('refuses a call without a token', async () => {
    const reply = await invoke('app.info', {}, {});
    expect(reply.status).toBe(401);
    expect(reply.body).not.toContain('userDataDir');
  });

  it('answers a call with the bearer token in an ok envelope', async () => {
    const reply = await invoke('app.info', {});
    expect(reply.status).toBe(200);
    const envelope = JSON.parse(reply.body);
    expect(envelope.ok).toBe(true);
    expect(envelope.value.transport).toBe('web');
  });

  it('refuses a wrong Host header even with the token (DNS rebinding)', async () => {
    const reply = await invoke('app.info', {}, { ...bearer(), Host: `evil.example:${host.port}` });
    expect(reply.status).toBe(403);
    const page = await request({ path: '/', headers: { ...bearer(), Host: `evil.example:${host.port}` } });
    expect(page.status).toBe(403);
  });

  it('refuses a call from another origin even with the token', async () => {
    const reply = await invoke('app.info', {}, { ...bearer(), Origin: 'http://evil.example' });
    expect(reply.status).toBe(403);
  });

  it('accepts a call from its own origin', async () => {
    const reply = await invoke('app.info', {}, { ...bearer(), Origin: `http://127.0.0.1:${host.port}` });
    expect(reply.status).toBe(200);
  });

  it('refuses a body that is not declared as JSON (415)', async () => {
    const reply = await request({
      method: 'POST',
      path: '/api/invoke/app.info',
      headers: { ...bearer(), 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body).ok).toBe(false);
  });

  it('answers 400 with BAD_INPUT for a body that is not JSON', async () => {
    const reply = await request({
      method: 'POST',
      path: '/api/invoke/app.info',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error.code).toBe('BAD_INPUT');
  });

  it('answers a call name with broken percent-encoding as a client error, not a server error', async () => {
    const reply = await invoke('%E0%A4%A', {});
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
  });

  it('refuses GET for API calls', async () => {
    expect((await request({ path: '/api/invoke/app.info', headers: bearer() })).status).toBe(405);
  });

  it('maps error codes to HTTP statuses', async () => {
    expect((await invoke('nope', {})).status).toBe(404);
    expect((await invoke('project.create', { dir: 5 })).status).toBe(400);
    expect((await invoke('project.save', {})).status).toBe(409);
    expect((await invoke('dialog.pickFolder', { title: 'x', purpose: 'open' })).status).toBe(501);
  });
});

describe('media', () => {
  it('serves a file inside the open project', async () => {
    await projectWithMedia();
    const reply = await request({ path: '/media/media/a.txt', headers: bearer() });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('media bytes 123');
  });

  it('refuses media without a token', async () => {
    await projectWithMedia();
    const reply = await request({ path: '/media/media/a.txt' });
    expect(reply.status).toBe(401);
    expect(reply.body).not.toContain('media bytes');
  });

  it.each([
    ['raw parent segments', '/media/../../etc/passwd'],
    ['dot-encoded parent segments', '/media/%2e%2e/%2e%2e/etc/passwd'],
    ['slash-encoded parent segments', '/media/..%2f..%2fetc%2fpasswd'],
    ['an encoded absolute path', '/media/%2fetc%2fpasswd'],
    ['backslash parent segments', '/media/..%5c..%5cetc%5cpasswd'],
    ['parent segments deep inside the project', '/media/media/../../../../../../etc/passwd'],
  ])('refuses %s (403 or 404) and never leaks the file', async (_label, rawPath) => {
    await projectWithMedia();
    const reply = await request({ path: rawPath, headers: bearer() });
    expect([403, 404]).toContain(reply.status);
    expect(reply.body).not.toContain('root:');
  });

  it('refuses a link in the project that points to /etc/passwd', async () => {
    const dir = await projectWithMedia();
    await fs.symlink('/etc/passwd', path.join(dir, 'media', 'passwd.txt'));
    const reply = await request({ path: '/media/media/passwd.txt', headers: bearer() });
    expect([403, 404]).toContain(reply.status);
    expect(reply.body).not.toContain('root:');
  });

  it('answers 404 for a missing file and 409 with no project open', async () => {
    expect((await request({ path: '/media/nothing.txt', headers: bearer() })).status).toBe(409);
    await projectWithMedia();
    expect((await request({ path: '/media/media/nothing.txt', headers: bearer() })).status).toBe(404);
  });
});

describe('events WebSocket', () => {
  function connect(headers: Record<string, string> = {}): WebSocket {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers });
    sockets.push(ws);
    return ws;
  }

  it('refuses a connection without the token with 401', async () => {
    const ws = connect();
    const status = await new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('the socket opened without a token')));
      ws.on('error', reject);
    });
    expect(status).toBe(401);
  });

  it('refuses a connection from another origin even with the token', async () => {
    const ws = connect({ ...bearer(), Origin: 'http://evil.example' });
    const status = await new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('the socket opened for another origin')));
      ws.on('error', reject);
    });
    expect(status).toBe(401);
  });

  it('answers 401 to a cookie with broken percent-encoding, and the host keeps serving', async () => {
    // Parsing the cookie must not throw inside the server's upgrade listener: there an
    // exception is uncaught and ends the host process.
    const ws = connect({ Cookie: 'dwm_token=%E0%A4%A' });
    const outcome = await new Promise<string | number>((resolve) => {
      const timer = setTimeout(() => resolve('no answer'), 2000);
      ws.on('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
      });
      ws.on('open', () => resolve('opened'));
      ws.on('error', (err) => resolve(`error: ${err.message}`));
    });
    expect(outcome).toBe(401);
    expect((await invoke('app.info', {})).status).toBe(200);
  });

  it('opens with the token and pushes project.status after a save through the API', async () => {
    await projectWithMedia();
    const ws = connect(bearer());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const message = new Promise<{ event: string; payload: { dir: string | null } }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no event within 5 s')), 5000);
      ws.on('message', (data) => {
        const parsed = JSON.parse(String(data));
        if (parsed.event === 'project.status') {
          clearTimeout(timer);
          resolve(parsed);
        }
      });
    });

    const saved = await invoke('project.save', {});
    expect(saved.status).toBe(200);

    const event = await message;
    expect(event.event).toBe('project.status');
    expect(event.payload.dir).toBe(path.join(tmp, 'proj'));
  });
});
