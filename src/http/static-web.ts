/**
 * Serves the built dashboard (web/dist): hashed files under /assets are cached for a year
 * (`immutable`), everything else revalidates (`no-cache`) against a weak ETag and
 * Last-Modified, and a browser navigation to a client route (/findings, /verify?token=…) gets
 * index.html so the History API router can take over. Nothing outside `root` is reachable:
 * no `..`, no dotfiles, no encoded separators or NUL, and symlinks must resolve inside root.
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type Koa from 'koa';

/** Options of serveWeb. */
export interface ServeWebOptions {
  /** Directory of the built dashboard, e.g. `web/dist` (resolved against the working directory). */
  root: string;
  /** Paths that belong to the server, never to the dashboard. Default: /api, /ops, /metrics, /dev. */
  serverPrefixes?: readonly string[];
  /** URL prefix of content-hashed files cached forever. Default: `/assets/`. */
  immutablePrefix?: string;
}

/** Cache-Control of content-hashed files: their name changes whenever their content does. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** Cache-Control of everything else: may be stored, but must be revalidated before each use. */
export const REVALIDATE_CACHE = 'no-cache';

const DEFAULT_SERVER_PREFIXES = ['/api', '/ops', '/metrics', '/dev'];

/** Koa middleware serving the dashboard; passes through to `next` whatever it does not serve. */
export function serveWeb(options: ServeWebOptions): Koa.Middleware {
  const root = path.resolve(options.root);
  const serverPrefixes = options.serverPrefixes ?? DEFAULT_SERVER_PREFIXES;
  const immutablePrefix = options.immutablePrefix ?? '/assets/';
  let realRoot: string | undefined;

  const isServerPath = (urlPath: string) => serverPrefixes.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));

  /** The file under root for a URL path, or undefined when it is not a plain, safe file path. */
  function fileOf(urlPath: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return undefined;
    const segments = decoded.split('/').slice(1);
    if (segments.some((segment) => segment === '..' || segment.startsWith('.'))) return undefined;
    const file = path.join(root, ...segments);
    return file === root || file.startsWith(root + path.sep) ? file : undefined;
  }

  /** Stats of a regular file whose real path is inside root; undefined otherwise. */
  async function safeStat(file: string): Promise<Stats | undefined> {
    try {
      const stats = await stat(file);
      if (!stats.isFile()) return undefined;
      realRoot ??= await realpath(root);
      const real = await realpath(file);
      return real.startsWith(realRoot + path.sep) ? stats : undefined;
    } catch {
      return undefined;
    }
  }

  function send(ctx: Koa.Context, file: string, stats: Stats, cacheControl: string): void {
    ctx.status = 200;
    ctx.type = path.extname(file) || 'application/octet-stream';
    ctx.set('Cache-Control', cacheControl);
    ctx.set('ETag', `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`);
    ctx.lastModified = stats.mtime;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.length = stats.size;
    if (ctx.method === 'HEAD') return;
    ctx.body = createReadStream(file);
  }

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isServerPath(ctx.path)) return next();

    const file = ctx.path === '/' ? undefined : fileOf(ctx.path);
    const stats = file === undefined ? undefined : await safeStat(file);
    if (file !== undefined && stats !== undefined) {
      send(ctx, file, stats, ctx.path.startsWith(immutablePrefix) ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
      return;
    }

    // The root is the page whatever the Accept; other client routes only for a browser asking
    // for a page, never for a missing script or image.
    const isRoot = ctx.path === '/';
    const wantsPage = isRoot || (ctx.get('Accept').includes('text/html') && !ctx.path.startsWith(immutablePrefix));
    if (!wantsPage) return next();
    if (!isRoot) ctx.vary('Accept');
    const index = path.join(root, 'index.html');
    const indexStats = await safeStat(index);
    if (indexStats === undefined) {
      ctx.status = 503;
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/plain';
      ctx.body = 'The dashboard has not been built: run `npm run build` (or `npm run build:web`), then reload.\n';
      return;
    }
    send(ctx, index, indexStats, REVALIDATE_CACHE);
  };
}
