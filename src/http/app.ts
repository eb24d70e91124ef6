/**
 * The Koa app: middleware in a fixed order (metrics, errors, security headers, CSRF, body),
 * then the route table (tenant API, operator endpoint, OpenAPI), then the web dashboard hook,
 * then Problem 404/405s. Everything it touches comes in through `AppDeps`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import compose from 'koa-compose';
import { insightSources } from '../insights/index.js';
import { accountRoutes } from './account-routes.js';
import type { AppDeps } from './app-deps.js';
import { apiTokenRoutes } from './api-token-routes.js';
import { channelRoutes } from './channel-routes.js';
import { auditMiddleware } from './audit-trail.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes } from './auth-routes.js';
import { BackgroundTasks } from './background-tasks.js';
import { csrfGuard } from './csrf.js';
import { dataRoutes } from './data-routes.js';
import { createFastReads, type FastReads } from './fast-reads.js';
import { hostAcceptor, hostGuard } from './host-guard.js';
import { jsonBody } from './json-body.js';
import { LoginThrottle } from './login-throttle.js';
import { memberRoutes } from './member-routes.js';
import { mfaRoutes } from './mfa-routes.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { buildOpenApi } from './openapi.js';
import { requireOperator } from './operator-auth.js';
import { opsRoutes } from './ops-routes.js';
import { passwordRoutes } from './password-routes.js';
import { errorHandler, finalizeStatus } from './problem.js';
import { createAppMetrics, type AppMetrics } from './prometheus.js';
import { DEFAULT_AUTH_RATE_LIMITS, RateLimiter } from './rate-limiter.js';
import { recommendationRoutes } from './recommendation-routes.js';
import { createRenderedResponses } from './rendered-responses.js';
import { metricSelectionRoutes } from './metric-selection-routes.js';
import { budgetRoutes } from './budget-routes.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, registerRoutes, type AnyRoute, type AppState } from './route-spec.js';
import { securityHeaderList, securityHeaders } from './security-headers.js';
import { sessionRoutes } from './session-routes.js';
import { cookieSession, loadSession, requireRole, requireSession, roleCheck } from './session-cookie.js';
import { settingsRoutes } from './settings-routes.js';
import { tenantRoutes } from './tenant-routes.js';
import { tenantOf } from './tenant-view.js';

/** The API version shown in the OpenAPI document. */
export const API_VERSION = '1.0.0';

interface AppResources {
  background: BackgroundTasks;
  metrics: AppMetrics;
  fast?: FastReads;
  closed?: Promise<void>;
}

const resources = new WeakMap<Koa, AppResources>();

/**
 * Release what an app holds beyond its sockets: wait for background work (emails being sent)
 * and stop the event-loop monitor. Idempotent; `startHttpServer().close()` calls it.
 */
export function closeApp(app: Koa): Promise<void> {
  const held = resources.get(app);
  if (!held) return Promise.resolve();
  held.closed ??= (async () => {
    await held.background.drain();
    held.metrics.close();
  })();
  return held.closed;
}

/** Wait for the app's background work (tests use it after signup or resend). */
export function drainBackground(app: Koa): Promise<void> {
  return resources.get(app)?.background.drain() ?? Promise.resolve();
}

/** Build the app. Nothing listens until `startHttpServer`. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ component: 'http' });
  const publicUrl = new URL(deps.publicUrl);
  const https = publicUrl.protocol === 'https:';
  const app = new Koa<AppState>({ proxy: deps.trustProxy ?? false });
  // Errors are answered and logged by errorHandler; what reaches here is a socket-level failure.
  app.on('error', (error: unknown) => log.debug({ err: error }, 'http stream error'));

  const background = new BackgroundTasks(log);
  const metrics = createAppMetrics(deps.health);
  const limiter = new RateLimiter(deps.rateLimitStore ?? deps.store.rateLimits, now);
  const limits = { ...DEFAULT_AUTH_RATE_LIMITS, ...deps.rateLimits, login: { ...DEFAULT_AUTH_RATE_LIMITS.login, ...deps.rateLimits?.login } };
  const rc: RouteContext = {
    deps: { ...deps, log },
    now,
    limiter,
    limits,
    loginThrottle: new LoginThrottle(limiter, limits.login, now),
    secureCookies: https,
    background,
    cached: (tenantId, key, load, signal) => deps.store.cache.read(tenantId, key, load, signal),
    signInFailed: (address) => metrics.signInFailed(address),
    insights: insightSources(deps.store, now),
  };

  const routes: AnyRoute[] = [
    ...authRoutes(rc),
    ...passwordRoutes(rc),
    ...mfaRoutes(rc),
    ...auditRoutes(rc),
    ...memberRoutes(rc),
    ...tenantRoutes(rc),
    ...apiTokenRoutes(rc),
    ...channelRoutes(rc),
    ...sessionRoutes(rc),
    ...settingsRoutes(rc),
    ...accountRoutes(rc),
    ...dataRoutes(rc),
    ...recommendationRoutes(rc),
    ...metricSelectionRoutes(rc),
    ...budgetRoutes(rc),
    ...opsRoutes(rc, metrics),
  ];
  let document: Record<string, unknown> | undefined;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This document',
      tag: 'meta',
      auth: 'public',
      responses: { 200: 'OpenAPI 3.1 document' },
      handler() {
        document ??= buildOpenApi(routes, { publicUrl: publicUrl.origin, version: API_VERSION });
        return document;
      },
    }),
  );

  // Case-sensitive: `/API/settings` is not `/api/settings`, so no spelling of a path reaches a
  // handler that a guard would read differently.
  const router = new Router<AppState>({ sensitive: true });
  const mfaRequired = (tenantId: string) => rc.cached(tenantId, 'mfa-required', async () => (await deps.store.tenants.get(tenantId))?.settings.requireMfa === true);
  const loadTenant = (tenantId: string) => tenantOf(rc, tenantId);
  const rendered = createRenderedResponses({
    generations: (tenantId, kinds) => deps.store.cache.generations(tenantId, kinds),
    now,
    background: (rebuild) => background.run('rendered response rebuild', rebuild),
  });
  registerRoutes(router, routes, {
    public: (_ctx, next) => next(),
    session: compose([loadSession(deps.store.sessions, deps.store.apiTokens), requireSession]),
    operator: requireOperator(deps.operatorToken),
  }, (route) => requireRole(deps.store.users, route, mfaRequired), loadTenant, rendered);

  const hostOptions = { publicUrl: deps.publicUrl, allowLoopback: deps.mode === 'demo', ...(deps.allowedHosts ? { allowedHosts: deps.allowedHosts } : {}) };
  // The same parts again, for the rendered hits answered before Koa (fast-reads.ts).
  const fast =
    deps.fastReads === false
      ? undefined
      : createFastReads({
          routes,
          acceptsHost: hostAcceptor(hostOptions),
          sessionOf: (cookieHeader) => cookieSession(deps.store.sessions, cookieHeader),
          roleCheck: (route) => roleCheck(deps.store.users, route, mfaRequired),
          loadTenant,
          rendered,
          headers: securityHeaderList({ https }),
          timeRequest: metrics.timeRequest,
          answered: metrics.fastRead,
        });

  app.use(metrics.middleware);
  app.use(errorHandler(log));
  app.use(securityHeaders({ https }));
  app.use(finalizeStatus());
  app.use(hostGuard(hostOptions));
  app.use(csrfGuard({ publicUrl: deps.publicUrl, allowLoopback: deps.mode === 'demo' }));
  app.use(jsonBody(deps.bodyLimit !== undefined ? { limit: deps.bodyLimit } : {}));
  app.use(auditMiddleware(rc));
  app.use(methodNotAllowed(router));
  app.use(router.routes());
  // HOOK: the web dashboard (src/http/static-web.ts, web/dist) — after every API route.
  if (deps.web) app.use(deps.web as Koa.Middleware<AppState>);

  resources.set(app as unknown as Koa, { background, metrics, ...(fast ? { fast } : {}) });
  return app;
}

/**
 * The app as a Node request listener: the rendered hits answered before Koa (fast-reads.ts),
 * everything else by `app.callback()`. `startHttpServer` serves this.
 */
export function requestListener(app: Koa<any, any>): (req: IncomingMessage, res: ServerResponse) => void {
  const koa = app.callback();
  const fast = resources.get(app as Koa)?.fast;
  if (!fast) return koa;
  return (req, res) => {
    // fast() never rejects; Koa's handler answers its own errors.
    void fast(req, res).then((answered) => {
      if (!answered) void koa(req, res);
    });
  };
}
