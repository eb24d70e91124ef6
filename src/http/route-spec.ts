/**
 * A route described once: method, path, who may call it, its zod schemas and its responses.
 * The same table registers the handlers and generates /api/openapi.json, so the document can
 * never miss a route.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { ValidationError } from './problem.js';

/**
 * What a signed-in user may do in their tenant: a viewer reads; an admin also manages accounts,
 * alerts, channels and the tenant's settings; an owner also manages members and the tenant.
 */
export type Role = 'viewer' | 'admin' | 'owner';

const RANK: Readonly<Record<Role, number>> = { viewer: 0, admin: 1, owner: 2 };

/** True when `role` is at least `required`. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** The role of a stored user (`member`, the legacy name, is a viewer; anything unknown too). */
export function roleOf(stored: string): Role {
  return stored === 'owner' || stored === 'admin' ? stored : 'viewer';
}

/** The role a session route requires: its `role`, else viewer to read and admin to change anything. */
export function requiredRole(route: Pick<RouteSpec, 'method' | 'role'>): Role {
  return route.role ?? (route.method === 'get' ? 'viewer' : 'admin');
}

/** The authenticated session of a request. */
export interface SessionState {
  /** The current organization: every tenant-scoped query uses it, never an id from the request. */
  tenantId: string;
  /** The user's home tenant when it is not `tenantId` (where their sessions are indexed). */
  homeTenantId?: string;
  userId: string;
  /** The session's public id (the sessions list marks it current). */
  sessionId: string;
  /** The raw cookie value (to revoke on logout); never logged. */
  token: string;
  /** The user's role in the tenant, read at each request (a demotion applies at once). */
  role?: Role;
  /** Set when the caller authenticated with an API token rather than the cookie. */
  apiToken?: { id: string; scope: 'read' | 'admin' };
}

/** What middleware leaves in `ctx.state`. */
export interface AppState {
  requestId: string;
  /** The parsed JSON body, when there was one. */
  body?: unknown;
  session?: SessionState;
}

/** The Koa context of the app's routes. */
export type AppContext = Koa.ParameterizedContext<AppState>;

/** Who may call a route: anyone, a signed-in tenant user, or the operator. */
export type RouteAuth = 'public' | 'session' | 'operator';

/** One route. `B` and `Q` are the parsed body and query. */
export interface RouteSpec<B = unknown, Q = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path, e.g. `/api/accounts/:id`. */
  path: string;
  summary: string;
  tag: 'auth' | 'settings' | 'accounts' | 'data' | 'operator' | 'meta';
  auth: RouteAuth;
  /**
   * For `session` routes: the least role that may call it. Default viewer for GET and admin for
   * anything that changes state, so a new route is closed to viewers unless it says otherwise.
   */
  role?: Role;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Status -> description (the api-types type name when there is a JSON body). */
  responses: Record<number, string>;
  handler(ctx: AppContext, input: { body: B; query: Q; params: Record<string, string> }): Promise<void> | void;
}

/** Identity helper that infers `B` and `Q` from the schemas. */
export function defineRoute<B = undefined, Q = undefined>(spec: RouteSpec<B, Q>): RouteSpec<B, Q> {
  return spec;
}

/** Any route, for tables. */
export type AnyRoute = RouteSpec<any, any>;

/** Parse `value` with `schema`, or throw 400 `VALIDATION_FAILED` naming the fields. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: 'body' | 'query'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.slice(0, 20).map((issue) => ({
    path: [what, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ValidationError(errors, `the request ${what} is not valid`);
}

/** First value of each query parameter (a repeated parameter is not an array here). */
function flatQuery(query: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first;
  }
  return out;
}

/** Register routes on `router`, each behind the guard of its `auth` (and, for sessions, of its role). */
export function registerRoutes(
  router: Router<AppState>,
  routes: readonly AnyRoute[],
  guards: Record<RouteAuth, Koa.Middleware<AppState>>,
  roleGuard: (route: AnyRoute) => Koa.Middleware<AppState>,
): void {
  for (const route of routes) {
    const guard = route.auth === 'session' ? [guards.session, roleGuard(route)] : [guards[route.auth]];
    router[route.method](route.path, ...guard, async (ctx) => {
      const body = route.body ? parseInput(route.body, ctx.state.body, 'body') : undefined;
      const query = route.query ? parseInput(route.query, flatQuery(ctx.query), 'query') : undefined;
      await route.handler(ctx as AppContext, { body, query, params: ctx.params as Record<string, string> });
    });
  }
}
