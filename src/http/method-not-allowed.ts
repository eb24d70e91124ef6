/**
 * 405 with `Allow` for any method a known path does not take — including methods the router has
 * never heard of (TRACE, QUERY, PROPFIND), which @koa/router's `allowedMethods` answers with 501.
 * RFC 9110 §15.5.6: 405 "MUST generate an Allow header field"; 501 is for a method the server
 * does not recognise for any resource, which would tell a client nothing useful here.
 * OPTIONS on a known path answers 204 with `Allow`.
 */
import type Router from '@koa/router';
import type Koa from 'koa';

/** Mount before `router.routes()`: it acts on what the router left unanswered. */
export function methodNotAllowed<S>(router: Router<S>): Koa.Middleware<S> {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined && ctx.body !== null) return;
    if (ctx.status !== 404 && ctx.status !== 405 && ctx.status !== 501) return;
    const allowed = new Set<string>();
    for (const layer of router.match(ctx.path, ctx.method).path) for (const method of layer.methods) allowed.add(method);
    if (allowed.size === 0) return;
    ctx.set('Allow', [...allowed].join(', '));
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    ctx.status = 405;
  };
}
