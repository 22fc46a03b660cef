import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import send from 'send';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import {
  HTTP_INVOKE_PREFIX,
  HTTP_RENDER_FRAME_PREFIX,
  HTTP_UPLOAD_PREFIX,
  MEDIA_HTTP_PREFIX,
  WS_EVENTS_PATH,
} from '../../shared/api/contract';
import { ApiError, type Envelope } from '../../shared/api/errors';
import { contentSecurityPolicy } from '../../shared/security/csp';
import type { Studio } from '../studio';
import { hasValidToken, hostHeaderAllowed, newToken, originAllowed, TOKEN_COOKIE, tokenFromQuery } from './auth';
import type { UploadReceiver } from './uploads';

export interface WebHostOptions {
  studio: Studio;
  /** Receives PUT /api/upload/ bodies; pass the same object as the studio's HostAdapter.uploads. Without it uploads are refused. */
  uploads?: UploadReceiver;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  log?: (msg: string) => void;
}

export interface WebHost {
  url: string;
  /** The URL to open in a browser: it carries the token once, which the host turns into a cookie. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Two RGBA images of up to 4096 x 4096. */
const MAX_RENDER_FRAME_BYTES = 2 * 4096 * 4096 * 4;

/**
 * Serves the built renderer and the studio API to a browser on 127.0.0.1 only. Every
 * request must carry the token (cookie or bearer header); API inputs are validated by the
 * same dispatcher the Electron IPC uses; events go out over one WebSocket per page.
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const { studio } = opts;
  const token = opts.token ?? newToken();
  const log = opts.log ?? (() => {});
  if (!existsSync(opts.rendererDir)) {
    throw new Error(`The renderer is not built (${opts.rendererDir} is missing); run npm run build first`);
  }
  const statics = sirv(opts.rendererDir, { dev: false, etag: true, gzip: false, brotli: false, dotfiles: false });
  let port = 0;

  const securityHeaders = (res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy({ mediaSource: "'self'" }));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      log(`request failed: ${err.stack ?? err.message}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: err.message } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    if (!hostHeaderAllowed(req, port)) return sendText(res, 403, 'Forbidden: unexpected Host header');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    // The printed URL carries the token once; it becomes an HttpOnly cookie and leaves the address bar.
    if (req.method === 'GET' && url.searchParams.has('token')) {
      if (!tokenFromQuery(url, token)) return sendText(res, 401, unauthorisedText);
      url.searchParams.delete('token');
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      res.setHeader('Location', url.pathname + url.search);
      res.statusCode = 303;
      res.end();
      return;
    }
    if (!hasValidToken(req, token)) return sendText(res, 401, unauthorisedText);

    if (url.pathname.startsWith(HTTP_INVOKE_PREFIX)) return handleInvoke(req, res, url);
    if (url.pathname.startsWith(HTTP_UPLOAD_PREFIX)) return handleUpload(req, res, url);
    if (url.pathname.startsWith(HTTP_RENDER_FRAME_PREFIX)) return handleRenderFrame(req, res, url);
    // Media is routed on the raw path, before URL parsing folds '..' away, so that every
    // attempt to climb out reaches the confinement check and is refused as such.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (rawPath.startsWith(MEDIA_HTTP_PREFIX)) return handleMedia(req, res, rawPath);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    // The UI has no client-side routes, so anything sirv does not know is a plain 404.
    statics(req, res, () => sendText(res, 404, 'Not found'));
  }

  async function handleInvoke(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 405, 'API calls are POST requests');
    if (!originAllowed(req, port)) return sendText(res, 403, 'Forbidden: cross-origin API call');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, envelopeError('BAD_INPUT', 'API calls take a JSON body (Content-Type: application/json)'));
    }
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(HTTP_INVOKE_PREFIX.length));
    } catch {
      return sendJson(res, 400, envelopeError('BAD_INPUT', 'The API call name is not valid URL encoding'));
    }
    let input: unknown;
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (err) {
      return sendJson(res, 400, envelopeError('BAD_INPUT', `${name}: the request body is not valid JSON (${(err as Error).message})`));
    }
    const result = await studio.dispatch(name, input);
    sendJson(res, result.ok ? 200 : statusFor(result.error.code), result);
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'PUT') return sendText(res, 405, 'Uploads are PUT requests');
    if (!originAllowed(req, port)) return sendText(res, 403, 'Forbidden: cross-origin upload');
    const parts = url.pathname.slice(HTTP_UPLOAD_PREFIX.length).split('/');
    if (parts.length !== 2) return sendJson(res, 400, envelopeError('BAD_INPUT', 'Upload to /api/upload/<uploadId>/<file name>'));
    if (!opts.uploads) return sendJson(res, 501, envelopeError('BAD_INPUT', 'This host does not accept uploads'));
    try {
      const [uploadId, name] = parts.map(decodeURIComponent) as [string, string];
      const bytes = await opts.uploads.receive(uploadId, name, req);
      sendJson(res, 200, { ok: true, value: { bytes } });
    } catch (err) {
      const shape = err instanceof ApiError ? err.toShape() : { code: 'BAD_INPUT' as const, message: (err as Error).message };
      sendJson(res, statusFor(shape.code), { ok: false, error: shape });
    }
  }

  /** PUT /api/render-frame/<renderId>/<index>: one rendered frame as raw bytes (static then hands RGBA). */
  async function handleRenderFrame(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'PUT') return sendText(res, 405, 'Render frames are PUT requests');
    if (!originAllowed(req, port)) return sendText(res, 403, 'Forbidden: cross-origin request');
    const [renderId, indexText, ...rest] = url.pathname.slice(HTTP_RENDER_FRAME_PREFIX.length).split('/');
    const index = Number(indexText);
    if (!renderId || rest.length > 0 || !Number.isInteger(index) || index < 0) {
      return sendJson(res, 400, envelopeError('BAD_INPUT', 'Send frames to /api/render-frame/<renderId>/<frame index>'));
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_RENDER_FRAME_BYTES);
    } catch (err) {
      return sendJson(res, 400, envelopeError('BAD_INPUT', `render frame: ${(err as Error).message}`));
    }
    const result = await studio.renderFrame(renderId, index, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    sendJson(res, result.ok ? 200 : statusFor(result.error.code), result);
  }

  async function handleMedia(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    // Each segment is decoded on its own, so %2e%2e and %2f become '..' and '/' that the confinement check then sees.
    let relative: string;
    try {
      relative = rawPath.slice(MEDIA_HTTP_PREFIX.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      return sendText(res, 400, 'Bad media path encoding');
    }
    let file: string;
    try {
      file = await studio.services.projects.resolveMedia(relative);
    } catch (err) {
      if (err instanceof ApiError) return sendText(res, statusFor(err.code), err.message);
      throw err;
    }
    send(req, file, { dotfiles: 'allow', index: false }).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const ok = url.pathname === WS_EVENTS_PATH && hostHeaderAllowed(req, port) && originAllowed(req, port) && hasValidToken(req, token);
    if (!ok) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = studio.subscribe((event, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
      // The socket only pushes; anything a page sends is ignored.
      ws.on('message', () => {});
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    openUrl: `${base}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const unauthorisedText =
  'Unauthorized: this DWM Studio host needs its access token. Open the URL the studio printed when it started (it ends in ?token=...).';

function envelopeError(code: 'BAD_INPUT', message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

function statusFor(code: string): number {
  switch (code) {
    case 'BAD_INPUT':
    case 'PROJECT_INVALID':
      return 400;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'ALREADY_EXISTS':
    case 'NO_PROJECT':
      return 409;
    case 'UNSUPPORTED':
      return 501;
    default:
      return 500;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
