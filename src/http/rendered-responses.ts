/**
 * Rendered responses of the hot GETs (the overview, the findings page): the serialized body of
 * one tenant's answer kept as a Buffer with a strong ETag, so a hit costs a lookup and a socket
 * write instead of rebuilding and stringifying tens of KB per request.
 *
 * Correct by construction of the key and version, never by expiry alone:
 * - the key holds the tenant id, the route and its parsed query (and nothing a handler could
 *   take from the user: a rendered route's body may depend on the tenant and query only);
 * - the version holds the tenant's generations of the data kinds the body is built from (a
 *   write of one of them changes it, on any instance, see TenantCache.generation) and the
 *   route's live parts (collector states, which change without a store write);
 * - what depends on the clock alone (`generatedAt`, month-to-date, a suppression rule's
 *   expiry) is at most `maxAgeMs` old, or `maxAgeMs + staleMs` while one rebuild runs.
 * - a change of what collection writes (metrics, run states, costs, findings) or of the live
 *   parts is answered with the entry from before it while one rebuild replaces it, for at most
 *   `maxAgeMs + staleMs` after that entry was built (stale-while-revalidate, RFC 5861). A change a
 *   user makes (USER_WRITTEN_KINDS: settings, accounts, rules, a recommendation's status) never
 *   is: the next answer waits for the rebuild, so users see their own writes. Under load the
 *   overview's collectors changed it several times a second, and every change made all 50
 *   connections wait for one rebuild: its p99 was the rebuild's time (issue 14).
 * Entries live in this process only: the live parts are this instance's view of its collectors.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { SingleFlight, USER_WRITTEN_KINDS, type DataKind } from '../store/index.js';
import type Koa from 'koa';

/** Options of `createRenderedResponses`; each default is stated here. */
export interface RenderedResponsesOptions {
  /** The tenant's generation of each of `kinds` (the store's `cache.generations`); undefined: cache nothing. */
  generations(tenantId: string, kinds: readonly DataKind[]): Promise<readonly string[] | undefined>;
  /** Clock (default Date.now). */
  now?: () => number;
  /** Age under which an entry is served as is (default 1,000 ms). */
  maxAgeMs?: number;
  /** Further age during which an entry is served while one rebuild replaces it (default 4,000 ms). */
  staleMs?: number;
  /** Most bytes kept over all entries (default 32 MiB); a body over a sixteenth of it is not kept. */
  maxBytes?: number;
  /**
   * Runs a rebuild no request waits for (an entry answered stale meanwhile): the app tracks it
   * with its other background work, so a stop (and a test) can wait for it. Default: detached.
   */
  background?: (rebuild: () => Promise<void>) => void;
}

/** What one request asks of the cache. */
export interface RenderRequest {
  tenantId: string;
  /** The route and its parsed query, e.g. `/api/findings\0{"severity":["high"]}`. */
  key: string;
  /** The data kinds the body is built from. */
  kinds: readonly DataKind[];
  /** A version of the body's live parts (empty when it has none). */
  live: string;
  /** Build the body; `signal` aborts only when every request waiting for it has gone. */
  build(signal: AbortSignal): Promise<unknown>;
  /** The request's signal: stops this request waiting. */
  signal?: AbortSignal;
}

interface Rendered {
  version: string;
  /** The part of `version` users write (USER_WRITTEN_KINDS): it must match for a stale answer. */
  userVersion: string;
  at: number;
  body: Buffer;
  etag: string;
}

/** The cache of rendered responses; `send` answers a request from it (or builds, keeps and answers). */
export interface RenderedResponses {
  send(ctx: Koa.Context, request: RenderRequest): Promise<void>;
  /**
   * The entry `send` would answer with at once, when it is current and under `maxAgeMs` old;
   * undefined otherwise (nothing is built or refreshed: `send` does that). fast-reads.ts serves
   * its hits from here.
   */
  fresh(request: Omit<RenderRequest, 'build' | 'signal'>): Promise<{ body: Buffer; etag: string } | undefined>;
}

/** The Content-Type of every rendered body (fast-reads.ts sends it too). */
export const JSON_TYPE = 'application/json; charset=utf-8';

function render(value: unknown, versions: Versions, at: number): Rendered {
  const body = Buffer.from(JSON.stringify(value));
  return { version: versions.version, userVersion: versions.user, at, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}

/** A request's current versions: the whole, and the part of the kinds users write. */
interface Versions {
  version: string;
  user: string;
}

/** Which of a request's kinds users write (USER_WRITTEN_KINDS), by position (memoized per list). */
const userKindsOf = new WeakMap<readonly DataKind[], readonly boolean[]>();
function userKinds(kinds: readonly DataKind[]): readonly boolean[] {
  let user = userKindsOf.get(kinds);
  if (!user) userKindsOf.set(kinds, (user = kinds.map((kind) => USER_WRITTEN_KINDS.includes(kind))));
  return user;
}

/**
 * True when `header` (If-None-Match) names `etag`, by the weak comparison RFC 9110 §13.1.2 asks
 * for. Not koa's `ctx.fresh`: it follows cache rules and ignores the condition when the request
 * says `Cache-Control: no-cache`, which fetch() adds to every request carrying If-None-Match.
 */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  for (const part of header.split(',')) {
    const tag = part.trim();
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}

/** Answer with `entry`: 304 when the client holds its ETag, else the bytes. */
function reply(ctx: Koa.Context, entry: Rendered): void {
  ctx.set('ETag', entry.etag);
  if (matchesEtag(ctx.req.headers['if-none-match'], entry.etag)) {
    ctx.status = 304;
    return;
  }
  ctx.status = 200;
  ctx.set('Content-Type', JSON_TYPE);
  ctx.body = entry.body;
}

const noop = () => {};

/** Where a request's entry is kept. */
const entryKeyOf = (request: Pick<RenderRequest, 'tenantId' | 'key'>) => `${request.tenantId}\u0000${request.key}`;

/** Create the cache. */
export function createRenderedResponses(options: RenderedResponsesOptions): RenderedResponses {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  const staleMs = options.staleMs ?? 4_000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const entries = new LRUCache<string, Rendered>({ maxSize: maxBytes, sizeCalculation: (entry) => entry.body.length || 1 });
  const flights = new SingleFlight<Rendered>();
  const background = options.background ?? ((task: () => Promise<void>) => void task());

  /**
   * The request's versions: the generations of the kinds users write, of those collection writes,
   * and the live parts. Undefined when the cache cannot say (then nothing is kept).
   */
  const versionsOf = async (request: Pick<RenderRequest, 'tenantId' | 'kinds' | 'live'>): Promise<Versions | undefined> => {
    const gens = await options.generations(request.tenantId, request.kinds);
    if (gens === undefined) return undefined;
    const isUser = userKinds(request.kinds);
    let user = '';
    let all = '';
    for (let i = 0; i < gens.length; i++) {
      all += `${gens[i]}.`;
      if (isUser[i]) user += `${gens[i]}.`;
    }
    return { version: `${all}\u0000${request.live}`, user };
  };
  const flightOf = (entryKey: string, versions: Versions) => `${entryKey}\u0000${versions.version}`;

  /** Build under `versions` (read before building: a write meanwhile makes the result unreachable) and keep it. */
  const rebuild = (entryKey: string, versions: Versions, build: RenderRequest['build'], signal?: AbortSignal) =>
    flights.run(
      flightOf(entryKey, versions),
      async (shared) => {
        const entry = render(await build(shared), versions, now());
        if (entry.body.length <= maxBytes / 16) entries.set(entryKey, entry);
        return entry;
      },
      signal,
    );

  /**
   * The entry, when it may answer while one rebuild replaces it: the same user version and built
   * under `maxAgeMs + staleMs` ago (a clock set back makes its age unknown: not then).
   */
  const servableStale = (hit: Rendered, versions: Versions): boolean => {
    const age = now() - hit.at;
    return hit.userVersion === versions.user && age >= 0 && age < maxAgeMs + staleMs;
  };

  return {
    async fresh(request) {
      const versions = await versionsOf(request);
      if (versions === undefined) return undefined;
      const entryKey = entryKeyOf(request);
      const hit = entries.get(entryKey);
      if (!hit) return undefined;
      const age = now() - hit.at;
      if (hit.version === versions.version && age >= 0 && age < maxAgeMs) return hit;
      // A rebuild is on its way (a request through the app started it): answer as `send` would.
      return servableStale(hit, versions) && flights.has(flightOf(entryKey, versions)) ? hit : undefined;
    },
    async send(ctx, request) {
      const versions = await versionsOf(request);
      if (versions === undefined) {
        // Freshness cannot be known: build for this request alone.
        reply(ctx, render(await request.build(request.signal ?? new AbortController().signal), { version: '', user: '' }, now()));
        return;
      }
      const entryKey = entryKeyOf(request);
      const hit = entries.get(entryKey);
      if (hit) {
        const age = now() - hit.at;
        if (hit.version === versions.version && age >= 0 && age < maxAgeMs) return reply(ctx, hit);
        if (servableStale(hit, versions)) {
          // Only the clock, collected data or live parts moved: answer at once while one rebuild
          // runs (errors: the next request rebuilds; past the stale window requests wait for it).
          if (!flights.has(flightOf(entryKey, versions))) background(() => rebuild(entryKey, versions, request.build).then(noop, noop));
          return reply(ctx, hit);
        }
      }
      reply(ctx, await rebuild(entryKey, versions, request.build, request.signal));
    },
  };
}
