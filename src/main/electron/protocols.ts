import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { ApiError } from '../../shared/api/errors';
import { APP_PROTOCOL, MEDIA_PROTOCOL } from '../../shared/api/wire';
import { contentSecurityPolicy } from '../../shared/security/csp';
import { rendererBuildDir } from '../app-root';
import { resolveInside } from '../services/fs/path-confinement';
import type { Studio } from '../studio';
import { APP_ORIGIN } from './window';

/** Must run before app 'ready'. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_PROTOCOL, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // corsEnabled + the header below: the compare view reads video frames back from a canvas (difference heat map).
    { scheme: MEDIA_PROTOCOL, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
  ]);
}

const csp = contentSecurityPolicy({ mediaSource: `${MEDIA_PROTOCOL}:` });

/**
 * dwm-app:// serves the built renderer (with the CSP header); dwm-media:// serves files of
 * the open project and refuses any path outside it, as the web host's /media/ route does.
 */
export function registerProtocols(studio: Studio): void {
  const uiRoot = rendererBuildDir();
  protocol.handle(APP_PROTOCOL, async (request) => {
    const rel = decodeURIComponent(new URL(request.url).pathname);
    let file: string;
    try {
      file = await resolveInside(uiRoot, rel === '/' ? 'index.html' : rel);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });

  protocol.handle(MEDIA_PROTOCOL, async (request) => {
    const url = new URL(request.url);
    const rel = url.pathname.split('/').map(decodeURIComponent).join('/');
    try {
      const file = await studio.services.projects.resolveMedia(rel.replace(/^\/+/, ''));
      const response = await net.fetch(pathToFileURL(path.resolve(file)).toString(), { headers: request.headers });
      const headers = new Headers(response.headers);
      headers.set('Access-Control-Allow-Origin', APP_ORIGIN);
      return new Response(response.body, { status: response.status, headers });
    } catch (err) {
      const status = err instanceof ApiError && err.code === 'FORBIDDEN' ? 403 : 404;
      return new Response(err instanceof Error ? err.message : 'Not found', { status });
    }
  });
}
