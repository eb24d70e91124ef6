/**
 * Security headers on every response. The CSP fits a Lit app served from the same origin:
 * scripts, styles, images and API calls from 'self' only; inline styles allowed because Lit's
 * fallback for browsers without constructable style sheets and `styleMap` write them.
 */
import type Koa from 'koa';

/** The Content-Security-Policy sent with every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers every response carries; HSTS only when the public URL is https (an http demo must stay reachable). */
export function securityHeaderList(options: { https: boolean }): readonly (readonly [string, string])[] {
  return [
    ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
    ['X-Content-Type-Options', 'nosniff'],
    // `same-origin`, not `no-referrer`: with no-referrer, browsers send `Origin: null` on
    // same-origin POSTs, which the CSRF check would refuse.
    ['Referrer-Policy', 'same-origin'],
    ['X-Frame-Options', 'DENY'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()'],
    ...(options.https ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
    // Tenant data and tokens must not sit in shared or browser caches. Every response starts
    // as no-store whatever its path (a path test would miss `/API/...`); the static web files
    // set their own Cache-Control over it.
    ['Cache-Control', 'no-store'],
  ];
}

/** Set `securityHeaderList` on every response (fast-reads.ts sets the same list on the hits it answers). */
export function securityHeaders(options: { https: boolean }): Koa.Middleware {
  // Built once: a request only copies them onto its response.
  const headers = securityHeaderList(options);
  return (ctx, next) => {
    // Straight onto the Node response: koa's `ctx.set` only adds coercion these constant strings do not need.
    for (const [name, value] of headers) ctx.res.setHeader(name, value);
    return next();
  };
}
