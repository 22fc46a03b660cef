import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'dwm_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameToken(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined; // a malformed cookie is no token, never a server error
    }
  }
  return undefined;
}

/** A request is authorised by the token in its cookie (browsers) or its Authorization header (scripts). */
export function hasValidToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') && sameToken(token, header.slice(7))) return true;
  return sameToken(token, cookieValue(req, TOKEN_COOKIE));
}

export function tokenFromQuery(url: URL, token: string): boolean {
  return sameToken(token, url.searchParams.get('token'));
}

/**
 * Only the loopback names the host was started on are accepted, which defeats DNS
 * rebinding (a page on another site resolving its own name to 127.0.0.1).
 */
export function hostHeaderAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Requests that change state must come from the studio's own pages (or from no browser at all). */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
