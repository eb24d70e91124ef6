/**
 * Hits of the rendered GETs (the overview, the findings page) answered before Koa: a request
 * the app would answer 200 from a current rendered entry is answered here with the same status,
 * headers and bytes, without Koa's context, eleven middleware and the router's linear match.
 * Under load at 50 connections that machinery cost more than the answer (issue 14, "The API
 * holds its users"; figures in the README's "API under load").
 *
 * It only ever says yes. Every decision it takes is one the app takes through the same function:
 * the Host verdict (`hostAcceptor`), the session of the cookie (`cookieSession`), the role and MFA
 * check (`roleCheck`), the tenant read (`loadTenant`), the rendered key (`renderKey`) and entry
 * (`RenderedResponses.fresh`), the security headers (`securityHeaderList`). Whatever is not a
 * plain yes goes to Koa untouched, which then answers it as it always has, refusals included:
 * another method or path, a query string, a conditional request (304s are Koa's), a request
 * body, an unknown host, no live session cookie (API tokens included), a denied role, a missing
 * tenant, an entry that is missing, out of date or old (Koa rebuilds it), any error. The
 * differential test (test/http/fast-reads.test.ts) sends each of these to the app with and
 * without this path and compares the answers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserRecord } from '../store/index.js';
import type { AppMetrics } from './prometheus.js';
import { JSON_TYPE, type RenderedResponses } from './rendered-responses.js';
import { parseInput, renderKey, type AnyRoute, type SessionLoader, type SessionState } from './route-spec.js';

/** What the fast path shares with the app (createApp builds both from the same parts). */
export interface FastReadsOptions {
  /** The app's routes; the rendered session GETs without path parameters are served here. */
  routes: readonly AnyRoute[];
  acceptsHost(host: string): boolean;
  /** The session a Cookie header names (`cookieSession` over the app's session store). */
  sessionOf(cookieHeader: string): Promise<SessionState | undefined>;
  /** The app's role check of `route` (`roleCheck`): the user, or a throw that refuses. */
  roleCheck(route: AnyRoute): (session: SessionState) => Promise<UserRecord>;
  loadTenant: SessionLoader;
  rendered: RenderedResponses;
  /** The headers `securityHeaders` sets on every response. */
  headers: readonly (readonly [string, string])[];
  timeRequest: AppMetrics['timeRequest'];
  /** Called for each request answered here. */
  answered(): void;
}

/** Answer `req` when it is a current rendered hit (true); otherwise leave it untouched (false). Never rejects. */
export type FastReads = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

interface Served {
  route: AnyRoute;
  check: (session: SessionState) => Promise<UserRecord>;
  /** The route's rendered key with no query string (the only form served here). */
  key: string;
}

/** Build the fast path. */
export function createFastReads(options: FastReadsOptions): FastReads {
  const served = new Map<string, Served>();
  for (const route of options.routes) {
    if (route.method !== 'get' || route.auth !== 'session' || !route.rendered || route.params) continue;
    let query: unknown;
    try {
      query = route.query ? parseInput(route.query, {}, 'query') : undefined;
    } catch {
      continue; // a route that needs a query is always Koa's
    }
    served.set(route.path, { route, check: options.roleCheck(route), key: renderKey(route, undefined, query) });
  }

  return async (req, res) => {
    // Exact URL: no query string, no other spelling of the path (Koa's router is case-sensitive too).
    const hit = req.method === 'GET' ? served.get(req.url ?? '') : undefined;
    if (!hit) return false;
    const headers = req.headers;
    if (headers['if-none-match'] !== undefined || headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
    if (!options.acceptsHost(headers.host ?? '') || headers.cookie === undefined) return false;
    const end = options.timeRequest();
    try {
      const session = await options.sessionOf(headers.cookie);
      if (!session) return false;
      await hit.check(session);
      const tenant = await options.loadTenant(session.tenantId);
      const { kinds, live } = hit.route.rendered!;
      const entry = await options.rendered.fresh({ tenantId: tenant.id, key: hit.key, kinds, live: live?.(tenant) ?? '' });
      if (!entry) return false;
      // Gone meanwhile: nothing to write, and Koa must not answer it either.
      if (res.headersSent || res.destroyed) return true;
      res.statusCode = 200;
      res.setHeader('X-Request-Id', randomUUID());
      for (const [name, value] of options.headers) res.setHeader(name, value);
      res.setHeader('ETag', entry.etag);
      res.setHeader('Content-Type', JSON_TYPE);
      res.setHeader('Content-Length', entry.body.length);
      res.end(entry.body);
      end('GET', hit.route.path, 200);
      options.answered();
      return true;
    } catch {
      // A refusal or a failure: Koa answers it (and logs what is worth logging).
      return false;
    }
  };
}
