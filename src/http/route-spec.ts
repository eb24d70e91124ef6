/**
 * A route described once: method, path, who may call it, its zod schemas and its responses.
 * The same table registers the handlers and generates /api/openapi.json, so the document can
 * never miss a route. Path parameters, query and body are parsed by their zod schemas before the
 * handler runs (400 `VALIDATION_FAILED`); the handler returns the body its `responses` name, so
 * the compiler checks it against the response schema; a `session` handler receives the session,
 * its user and its tenant, loaded once per request; every handler gets the request's abort signal.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import type { DataKind, UserRecord } from '../store/index.js';
import { ValidationError } from './problem.js';
import type { RenderedResponses } from './rendered-responses.js';
import type { ResponseTypes } from './response-schemas.js';
import type { TenantView } from './tenant-view.js';

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
  apiToken?: { id: string; name: string; scope: 'read' | 'admin' };
}

/** What middleware leaves in `ctx.state`. */
export interface AppState {
  requestId: string;
  /** The parsed JSON body, when there was one. */
  body?: unknown;
  session?: SessionState;
  /** The session's user as `requireRole` read it (once per request). */
  user?: UserRecord;
  /** Aborted when the client goes away before the answer is written (see `requestSignal`). */
  signal?: AbortSignal;
}

/** The Koa context of the app's routes. */
export type AppContext = Koa.ParameterizedContext<AppState>;

/** Who may call a route: anyone, a signed-in tenant user, or the operator. */
export type RouteAuth = 'public' | 'session' | 'operator';

/** Status -> description: a response schema's name ('Settings', 'AccountView[]', 'A | B'), 'Problem (CODES)', a `text/...` type, or free text. */
export type Responses = Readonly<Record<number, string>>;

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type NamedBody<S extends string> = S extends `${infer N}[]` ? (N extends keyof ResponseTypes ? ResponseTypes[N][] : never) : S extends keyof ResponseTypes ? ResponseTypes[S] : never;
type Alternatives<S extends string> = S extends `${infer A}|${infer B}` ? NamedBody<Trim<A>> | Alternatives<B> : NamedBody<Trim<S>>;

/**
 * The body a handler returns for status `S` described as `D`: nothing for 204; a string or stream
 * for `text/...` (the handler sets the content type); the named schema's type; any JSON object
 * for a description that names no schema (the OpenAPI test lists those).
 */
export type BodyOf<S, D> = S extends 204
  ? undefined
  : D extends `text/${string}`
    ? string | Readable
    : D extends string
      ? [Alternatives<D>] extends [never]
        ? object
        : Alternatives<D>
      : never;

/** The status a plain returned body is sent with: the lowest declared of 200, 201, 202, 204. */
export type DefaultStatus<R extends Responses> = 200 extends keyof R ? 200 : 201 extends keyof R ? 201 : 202 extends keyof R ? 202 : 204 extends keyof R ? 204 : never;

/** A body sent with another declared status than the default (`reply(202, challenge)`). */
export class Reply<S extends number = number, T = unknown> {
  constructor(
    readonly status: S,
    readonly body: T,
  ) {}
}

/** Send `body` with `status`, which the route must declare with a matching body. */
export function reply<S extends number, T>(status: S, body: T): Reply<S, T> {
  return new Reply(status, body);
}

/** A redirect (the handler's answer is a `Location`, not a body). */
export class Redirect {
  constructor(readonly location: string) {}
}

/** Redirect the client to `location` (302). */
export function redirect(location: string): Redirect {
  return new Redirect(location);
}

type Replies<R extends Responses> = {
  [S in keyof R & number]: R[S] extends `Problem${string}` ? never : Reply<S, BodyOf<S, R[S]>>;
}[keyof R & number];

/** What a handler may return: the default status's body, a `reply` with another declared status, or a redirect. */
export type HandlerResult<R extends Responses> = BodyOf<DefaultStatus<R>, R[DefaultStatus<R>]> | Replies<R> | Redirect;

/** A signed-in session whose role `requireRole` has resolved. */
export type SignedInSession = SessionState & { role: Role };

/** What a `session` route's handler receives beside the request: loaded once per request. */
export interface SessionInput {
  session: SignedInSession;
  /** The user as read for the role check (this request's read). */
  user: UserRecord;
  /** The session's tenant, read through the cache (401 when it no longer exists). */
  tenant: TenantView;
}

/** What every handler receives beside the context. `P` is the parsed path parameters. */
export interface RequestInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Aborted when the client disconnects: pass it to store reads (not to shared cache loads). */
  signal: AbortSignal;
}

/** The handler's input for routes of `auth` A. */
export type HandlerInput<A extends RouteAuth, B, Q, P> = A extends 'session' ? RequestInput<B, Q, P> & SessionInput : RequestInput<B, Q, P>;

/** One route. `B`, `Q` and `P` are the parsed body, query and path parameters; `R` its responses. */
export interface RouteSpec<B = unknown, Q = unknown, P = unknown, R extends Responses = Responses, A extends RouteAuth = RouteAuth> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path, e.g. `/api/accounts/:id`; each `:name` needs a `params` schema with that key. */
  path: string;
  summary: string;
  tag: 'auth' | 'settings' | 'accounts' | 'data' | 'operator' | 'meta';
  auth: A;
  /**
   * For `session` routes: the least role that may call it. Default viewer for GET and admin for
   * anything that changes state, so a new route is closed to viewers unless it says otherwise.
   */
  role?: Role;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** The path parameters' schema (an object with one key per `:name`); a malformed one is a 400. */
  params?: z.ZodType<P>;
  /** Status -> description (the response schema's name when there is a JSON body). */
  responses: R;
  /**
   * For hot `session` GETs whose 200 body depends only on the tenant, the query, the data kinds
   * named here and the clock: the serialized body is kept per tenant and query and served with
   * a strong ETag until a write of one of `kinds` or a change of `live` (rendered-responses.ts).
   * The handler must return a plain body and must not touch `ctx` (it builds for every waiter).
   */
  rendered?: {
    kinds: readonly DataKind[];
    /** A version of what the body shows that changes without a store write (default none). */
    live?: (tenant: TenantView) => string;
  };
  handler(ctx: AppContext, input: HandlerInput<A, B, Q, P>): Promise<HandlerResult<R>> | HandlerResult<R>;
}

/**
 * Check a route against its own types: the input types come from the schemas and the body types
 * from `responses`. Returns it as `AnyRoute`, so a table's type cannot leak `any` back into the
 * inference (a route without a `params` schema has `params: undefined`).
 */
export function defineRoute<const R extends Responses, A extends RouteAuth, B = undefined, Q = undefined, P = undefined>(spec: RouteSpec<B, Q, P, R, A>): AnyRoute {
  return spec as AnyRoute;
}

/** Any route, for tables. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any, Responses, RouteAuth>;

/** Parse `value` with `schema`, or throw 400 `VALIDATION_FAILED` naming the fields. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: 'body' | 'query' | 'params'): T {
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

/** The `:name`s of a Koa path. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
}

/** Thrown at start-up when a route's path parameters and its `params` schema disagree. */
function checkParams(route: AnyRoute): void {
  const names = pathParameterNames(route.path);
  if (names.length === 0 && !route.params) return;
  const shape = route.params instanceof z.ZodObject ? Object.keys(route.params.shape).sort() : undefined;
  if (!shape || shape.join() !== [...names].sort().join()) {
    throw new Error(`route ${route.method.toUpperCase()} ${route.path}: its params schema must be an object with exactly the keys ${names.join(', ') || '(none)'}`);
  }
}

/** The reason a request's signal carries when its client went away (logged, never answered). */
export const CLIENT_CLOSED = 'CLIENT_CLOSED_REQUEST';

/**
 * Middleware: the request's signal (`ctx.state.signal`), aborted when the response is closed
 * before it finished (the client went away). `res` 'close' with `!writableFinished`, not `req`
 * 'close', which Node also emits after a body is read normally (koa reads it before the routes).
 * The AbortController is made on the first read of the signal, already aborted when the client
 * left before: a request answered from the rendered cache never reads it (a controller per
 * request was 3 % of the API's CPU under load).
 */
export const requestSignal: Koa.Middleware<AppState> = async (ctx, next) => {
  let controller: AbortController | undefined;
  let left = false;
  const abort = () => controller?.abort(new AppError(CLIENT_CLOSED, 'the client closed the request', { status: 499, expose: true }));
  const gone = () => {
    if (ctx.res.writableFinished) return;
    left = true;
    abort();
  };
  // Not `req.destroyed`: Node destroys a request once its body has been read.
  if (ctx.res.destroyed || ctx.req.socket?.destroyed === true) left = true;
  else ctx.res.once('close', gone);
  Object.defineProperty(ctx.state, 'signal', {
    configurable: true,
    enumerable: true,
    get() {
      if (!controller) {
        controller = new AbortController();
        if (left) abort();
      }
      return controller.signal;
    },
  });
  try {
    await next();
  } finally {
    ctx.res.off('close', gone);
  }
};

/** Put a handler's result on the response: the body with its status, a reply, a redirect, or 204. */
function send(ctx: AppContext, route: AnyRoute, result: unknown): void {
  if (result instanceof Redirect) {
    ctx.redirect(result.location);
  } else if (result instanceof Reply) {
    ctx.status = result.status;
    ctx.body = result.body;
  } else {
    const status = [200, 201, 202, 204].find((code) => code in route.responses);
    if (status !== undefined) ctx.status = status;
    if (result !== undefined && status !== 204) ctx.body = result;
  }
}

/** The rendered-response key of a route's request: its path and parsed input (see RenderRequest.key). */
export function renderKey(route: Pick<AnyRoute, 'path'>, params: unknown, query: unknown): string {
  return `${route.path}\u0000${JSON.stringify([params ?? null, query ?? null])}`;
}

/** Reads a `session` route's handler gets: the tenant of the signed-in session (401 when gone). */
export type SessionLoader = (tenantId: string) => Promise<TenantView>;

/**
 * Register routes on `router`, each behind the guard of its `auth` (and, for sessions, of its
 * role); a session route's tenant is read once through `loadTenant`.
 */
export function registerRoutes(
  router: Router<AppState>,
  routes: readonly AnyRoute[],
  guards: Record<RouteAuth, Koa.Middleware<AppState>>,
  roleGuard: (route: AnyRoute) => Koa.Middleware<AppState>,
  loadTenant: SessionLoader,
  rendered?: RenderedResponses,
): void {
  for (const route of routes) {
    checkParams(route);
    if (route.rendered && (route.auth !== 'session' || route.method !== 'get')) throw new Error(`route ${route.method.toUpperCase()} ${route.path}: only session GETs can be rendered`);
    const guard = route.auth === 'session' ? [guards.session, roleGuard(route)] : [guards[route.auth]];
    router[route.method](route.path, requestSignal, ...guard, async (ctx) => {
      const params = route.params ? parseInput(route.params, ctx.params, 'params') : undefined;
      const body = route.body ? parseInput(route.body, ctx.state.body, 'body') : undefined;
      const query = route.query ? parseInput(route.query, flatQuery(ctx.query), 'query') : undefined;
      // Read on first use (see requestSignal): a rendered hit never makes the controller.
      const state = ctx.state;
      const input: RequestInput<unknown, unknown, unknown> & Partial<SessionInput> = {
        body,
        query,
        params,
        get signal() {
          return state.signal ?? new AbortController().signal;
        },
      };
      if (route.auth === 'session') {
        const { session, user } = ctx.state;
        if (!session?.role || !user) throw new AppError('UNAUTHENTICATED', 'sign in first', { status: 401, expose: true });
        const tenant = await loadTenant(session.tenantId);
        Object.assign(input, { session: session as SignedInSession, user, tenant });
        if (route.rendered && rendered) {
          const { kinds, live } = route.rendered;
          await rendered.send(ctx as AppContext, {
            tenantId: tenant.id,
            key: renderKey(route, params, query),
            kinds,
            live: live?.(tenant) ?? '',
            build: async (shared) => {
              const result: unknown = await route.handler(ctx as AppContext, { ...input, signal: shared } as never);
              if (result instanceof Reply || result instanceof Redirect) throw new Error(`route GET ${route.path} is rendered: its handler must return a plain body`);
              return result;
            },
            get signal() {
              return input.signal;
            },
          });
          return;
        }
      }
      send(ctx as AppContext, route, await route.handler(ctx as AppContext, input as never));
    });
  }
}
