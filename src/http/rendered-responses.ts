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
 * - a change of what only collection writes (COLLECTED_KINDS, the live parts) is answered from
 *   the previous entry, at most `maxAgeMs + staleMs` old, only while a rebuild at the current
 *   version runs: the request that finds none starts one and waits for it. So a client asking
 *   one request after another sees every write made before it asked, and never an older body
 *   after a newer one; during a sweep, when writes change the overview's version many times a
 *   second, the requests that meet a rebuild no longer all wait for it (issue 14: the overview's
 *   p99 at 50 connections). A change of any other kind (a user's write) is always waited for.
 * Entries live in this process only: the live parts are this instance's view of its collectors.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { COLLECTED_KINDS, SingleFlight, type DataKind } from '../store/index.js';
import type Koa from 'koa';

/** Options of `createRenderedResponses`; each default is stated here. */
export interface RenderedResponsesOptions {
  /** The tenant's generations of `kinds` (the store's `cache.generation`); undefined: cache nothing. */
  generation(tenantId: string, kinds: readonly DataKind[]): Promise<string | undefined>;
  /** Clock (default Date.now). */
  now?: () => number;
  /** Age under which an entry is served as is (default 1,000 ms). */
  maxAgeMs?: number;
  /** Further age during which an entry is served while one rebuild replaces it (default 4,000 ms). */
  staleMs?: number;
  /** Most bytes kept over all entries (default 32 MiB); a body over a sixteenth of it is not kept. */
  maxBytes?: number;
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
  /** The part of `version` a user's write changes (the generations of the kinds not collected). */
  user: string;
  /** Order of the versions' reads: a rebuild never replaces an entry read after its own. */
  seq: number;
  at: number;
  body: Buffer;
  etag: string;
}

/** The versions of a request's body as read now. */
interface Versions {
  version: string;
  user: string;
  seq: number;
}

/** The cache of rendered responses; `send` answers a request from it (or builds, keeps and answers). */
export interface RenderedResponses {
  send(ctx: Koa.Context, request: RenderRequest): Promise<void>;
  /**
   * The entry `send` would answer with at once: current and under `maxAgeMs` old, or the
   * previous entry while the rebuild that replaces it runs (see the head of this file);
   * undefined otherwise (nothing is built or refreshed: `send` does that). fast-reads.ts serves
   * its hits from here.
   */
  fresh(request: Omit<RenderRequest, 'build' | 'signal'>): Promise<{ body: Buffer; etag: string } | undefined>;
}

/** The Content-Type of every rendered body (fast-reads.ts sends it too). */
export const JSON_TYPE = 'application/json; charset=utf-8';

function render(value: unknown, versions: Versions, at: number): Rendered {
  const body = Buffer.from(JSON.stringify(value));
  return { ...versions, at, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
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

/** Where a request's entry is kept. */
const entryKeyOf = (request: Pick<RenderRequest, 'tenantId' | 'key'>) => `${request.tenantId}\u0000${request.key}`;

/** A route's kinds split into those a user's write changes and those only collection writes. */
const splits = new WeakMap<readonly DataKind[], { user: DataKind[]; collected: DataKind[] }>();
function splitKinds(kinds: readonly DataKind[]): { user: DataKind[]; collected: DataKind[] } {
  let split = splits.get(kinds);
  if (!split) {
    split = { user: kinds.filter((kind) => !COLLECTED_KINDS.includes(kind)), collected: kinds.filter((kind) => COLLECTED_KINDS.includes(kind)) };
    splits.set(kinds, split);
  }
  return split;
}

/** Create the cache. */
export function createRenderedResponses(options: RenderedResponsesOptions): RenderedResponses {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  const staleMs = options.staleMs ?? 4_000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const entries = new LRUCache<string, Rendered>({ maxSize: maxBytes, sizeCalculation: (entry) => entry.body.length || 1 });
  const flights = new SingleFlight<Rendered>();
  let reads = 0;

  /** The request's versions now; undefined when they cannot be known (cache nothing then). */
  const versionsOf = async (request: Omit<RenderRequest, 'build' | 'signal'>): Promise<Versions | undefined> => {
    const { user, collected } = splitKinds(request.kinds);
    const [userGeneration, collectedGeneration] = await Promise.all([
      options.generation(request.tenantId, user),
      collected.length > 0 ? options.generation(request.tenantId, collected) : '',
    ]);
    if (userGeneration === undefined || collectedGeneration === undefined) return undefined;
    return { version: `${userGeneration}\u0000${collectedGeneration}\u0000${request.live}`, user: userGeneration, seq: ++reads };
  };

  /**
   * What `hit` is to a request at `versions`: current (answer it), answerable while a rebuild
   * runs (`stale`), or neither (undefined: rebuild and wait). A clock set back makes the entry's
   * age unknown: neither.
   */
  const standing = (hit: Rendered | undefined, versions: Versions, flightKey: string): 'current' | 'stale' | undefined => {
    if (!hit) return undefined;
    const age = now() - hit.at;
    if (age < 0 || age >= maxAgeMs + staleMs) return undefined;
    if (hit.version === versions.version) return age < maxAgeMs ? 'current' : 'stale';
    // Only collected data or live parts changed, and the rebuild that shows them already runs.
    return hit.user === versions.user && flights.has(flightKey) ? 'stale' : undefined;
  };

  /** Build under `versions` (read before building: a write meanwhile makes the result unreachable) and keep it. */
  const rebuild = (entryKey: string, flightKey: string, versions: Versions, build: RenderRequest['build'], signal?: AbortSignal) =>
    flights.run(
      flightKey,
      async (shared) => {
        const entry = render(await build(shared), versions, now());
        const kept = entries.get(entryKey);
        if (entry.body.length <= maxBytes / 16 && (!kept || kept.seq < entry.seq)) entries.set(entryKey, entry);
        return entry;
      },
      signal,
    );

  return {
    async fresh(request) {
      const versions = await versionsOf(request);
      if (!versions) return undefined;
      const entryKey = entryKeyOf(request);
      const flightKey = `${entryKey}\u0000${versions.version}`;
      const hit = entries.get(entryKey);
      const stands = standing(hit, versions, flightKey);
      // A stale entry is what `send` answers at once too, as long as the rebuild runs (fresh never starts one).
      return stands === 'current' || (stands === 'stale' && flights.has(flightKey)) ? hit : undefined;
    },
    async send(ctx, request) {
      const versions = await versionsOf(request);
      if (!versions) {
        // Freshness cannot be known: build for this request alone.
        reply(ctx, render(await request.build(request.signal ?? new AbortController().signal), { version: '', user: '', seq: 0 }, now()));
        return;
      }
      const entryKey = entryKeyOf(request);
      const flightKey = `${entryKey}\u0000${versions.version}`;
      const hit = entries.get(entryKey);
      const stands = standing(hit, versions, flightKey);
      if (hit && stands === 'current') return reply(ctx, hit);
      if (hit && stands === 'stale') {
        // Answer at once while one rebuild runs (errors: the next request rebuilds).
        if (!flights.has(flightKey)) rebuild(entryKey, flightKey, versions, request.build).catch(() => {});
        return reply(ctx, hit);
      }
      reply(ctx, await rebuild(entryKey, flightKey, versions, request.build, request.signal));
    },
  };
}
