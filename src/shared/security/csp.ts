/**
 * The Content-Security-Policy for the studio's UI, one definition for both hosts: the
 * Electron shell sends it on every response of its app protocol, the web host on every
 * HTTP response. No inline or remote script, no JavaScript eval; inline styles only because leva's
 * style engine injects them; media only from the app itself, blobs and the project media
 * route.
 */
export function contentSecurityPolicy(opts: { mediaSource: string }): string {
  const media = opts.mediaSource;
  return [
    "default-src 'none'",
    // WebAssembly (not eval) for the Draco, Basis/KTX2 and Gaussian-splat decoders.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${media}`,
    `media-src 'self' blob: ${media}`,
    "font-src 'self' data:",
    `connect-src 'self' blob: data: ${media}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
