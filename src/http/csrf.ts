/**
 * CSRF defence: every state-changing request, whatever its path, must come from the public
 * URL's origin. The check does not look at the path at all, so no spelling of a route (case,
 * percent-encoding, extra slashes) can slip past it while still reaching a handler. Browsers send `Origin` on every cross-origin request and on same-origin
 * POST/PUT/PATCH/DELETE; `Referer` is the fallback. A request with neither is not from a browser
 * page (curl, a script) and carries no ambient credentials worth forging, so it passes; the
 * SameSite=Strict cookie is the second line.
 */
import type Koa from 'koa';
import { clientError } from './problem.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Options of `csrfGuard`. */
export interface CsrfOptions {
  /** The public URL; its origin is the one allowed. */
  publicUrl: string;
  /** Demo mode also accepts any loopback origin (localhost vs 127.0.0.1 on a laptop). */
  allowLoopback: boolean;
}

function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** Reject a cross-origin state-changing request with 403 `CSRF`. */
export function csrfGuard(options: CsrfOptions): Koa.Middleware {
  const allowed = new URL(options.publicUrl).origin;
  const accepts = (origin: string | undefined): boolean => {
    if (origin === undefined) return false;
    if (origin === allowed) return true;
    return options.allowLoopback && LOOPBACK.has(new URL(origin).hostname);
  };
  return (ctx, next) => {
    if (SAFE_METHODS.has(ctx.method)) return next();
    const origin = ctx.get('origin');
    const referer = ctx.get('referer');
    const site = ctx.get('sec-fetch-site');
    let ok: boolean;
    if (origin !== '') ok = accepts(originOf(origin));
    else if (referer !== '') ok = accepts(originOf(referer));
    else ok = site === '' || site === 'same-origin' || site === 'none';
    if (!ok) throw clientError(403, 'CSRF', 'cross-origin request refused');
    return next();
  };
}
