/**
 * Recommendations (pk = tenant, sk = the rule's deterministic id). The rules regenerate them on
 * every run; `sync` upserts the current set without touching a status the user chose, so a
 * dismissed recommendation stays dismissed (and a done one done) when it is generated again.
 * A recommendation the rules no longer produce becomes inactive rather than deleted, so the
 * user's decision survives if it comes back.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Db, Item } from './db.js';
import { assertId, RETENTION_DAYS, ttlAfter } from './ids.js';

export type RecommendationStatus = 'open' | 'done' | 'dismissed';

/** What a rule produces. `id` must be deterministic (e.g. rule + account + resource). */
export interface RecommendationInput {
  id: string;
  accountId: string;
  /** The rule that produced it, e.g. `ec2-idle`. */
  rule: string;
  resourceId?: string;
  title: string;
  detail: string;
  severity: 'info' | 'warning' | 'critical';
  /** What it is about; absent on records stored before the store kept it. */
  category?: 'cost' | 'performance' | 'security' | 'reliability';
  /** How urgent; absent on records stored before the store kept it (then derived from `severity`). */
  priority?: 'high' | 'medium' | 'low';
  monthlySavingUsd?: number;
  data?: Record<string, string | number | boolean>;
}

export interface Recommendation extends RecommendationInput {
  status: RecommendationStatus;
  /** False when the rules stopped producing it. */
  active: boolean;
  createdAt: string;
  lastSeenAt: string;
  statusChangedAt?: string;
}

export interface RecommendationRepository {
  /**
   * Make `recommendations` the tenant's current set within `scope` (all of the tenant's by
   * default; or one account's, or one rule's): new ones open, changed ones updated, missing ones
   * inactive. Unchanged ones are not rewritten (refreshed once a day to keep their TTL).
   */
  sync(tenantId: string, recommendations: RecommendationInput[], scope?: { accountId?: string; rule?: string }): Promise<void>;
  /** Active recommendations (all when `includeInactive`), optionally of one status. */
  list(tenantId: string, filter?: { status?: RecommendationStatus; includeInactive?: boolean }, signal?: AbortSignal): Promise<Recommendation[]>;
  /** Set the user's decision; undefined when there is no such recommendation. */
  setStatus(tenantId: string, id: string, status: RecommendationStatus): Promise<Recommendation | undefined>;
}

const STATUSES: RecommendationStatus[] = ['open', 'done', 'dismissed'];
const REFRESH_MS = 86_400_000;
const CONTENT_FIELDS = ['accountId', 'rule', 'resourceId', 'title', 'detail', 'severity', 'category', 'priority', 'monthlySavingUsd', 'data'] as const;

const OPTIONAL_FIELDS = ['resourceId', 'category', 'priority', 'monthlySavingUsd', 'data'] as const;

const contentHash = (input: RecommendationInput) =>
  createHash('sha1')
    .update(JSON.stringify(CONTENT_FIELDS.map((field) => input[field] ?? null)))
    .digest('base64url');

function toRecommendation(item: Item): Recommendation {
  const { pk: _pk, sk, ttl: _ttl, hash: _hash, ...rest } = item;
  return { ...rest, id: sk } as unknown as Recommendation;
}

/**
 * Create the recommendations repository; `onChange` invalidates the tenant's cached reads, with
 * `byUser` true for a user's write (a status) and false for the refresher's sync after collection.
 */
export function createRecommendationRepository(deps: { db: Db; onChange: (tenantId: string, byUser: boolean) => Promise<void>; now?: () => number }): RecommendationRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  async function all(tenantId: string, signal?: AbortSignal): Promise<Item[]> {
    const items: Item[] = [];
    const query = db.queryAll('recommendations', { KeyConditionExpression: 'pk = :t', ExpressionAttributeValues: { ':t': assertId('tenant', tenantId) } }, signal);
    for await (const item of query) items.push(item);
    return items;
  }

  return {
    async sync(tenantId, recommendations, scope = {}) {
      const at = now();
      const iso = new Date(at).toISOString();
      const existing = new Map((await all(tenantId)).map((item) => [item.sk as string, item]));
      let changed = false;
      const seen = new Set<string>();
      for (const input of recommendations) {
        if (!input.id || input.id.length > 512) throw new AppError('INVALID_RECOMMENDATION', 'recommendation id must be 1-512 characters');
        seen.add(input.id);
        const hash = contentHash(input);
        const current = existing.get(input.id);
        if (current && current.hash === hash && current.active === true && at - Date.parse(current.lastSeenAt as string) < REFRESH_MS) continue;
        const fields: Record<string, unknown> = { ...input, hash, active: true, lastSeenAt: iso, ttl: ttlAfter(at, RETENTION_DAYS.recommendations) };
        delete fields.id;
        const names: Record<string, string> = { '#status': 'status', '#createdAt': 'createdAt' };
        const values: Record<string, unknown> = { ':open': 'open', ':now': iso };
        const sets = Object.entries(fields)
          .filter(([, value]) => value !== undefined)
          .map(([name, value], i) => {
            names[`#f${i}`] = name;
            values[`:f${i}`] = value;
            return `#f${i} = :f${i}`;
          });
        // if_not_exists: a status the user set is never overwritten by a regeneration.
        sets.push('#status = if_not_exists(#status, :open)', '#createdAt = if_not_exists(#createdAt, :now)');
        const removed = OPTIONAL_FIELDS.filter((field) => input[field] === undefined);
        removed.forEach((field) => (names[`#r_${field}`] = field));
        const remove = removed.length ? ` REMOVE ${removed.map((field) => `#r_${field}`).join(', ')}` : '';
        await db.update('recommendations', {
          Key: { pk: tenantId, sk: input.id },
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        });
        changed = true;
      }
      for (const [id, item] of existing) {
        if (seen.has(id) || item.active !== true) continue;
        if (scope.accountId !== undefined && item.accountId !== scope.accountId) continue;
        if (scope.rule !== undefined && item.rule !== scope.rule) continue;
        await db.update('recommendations', {
          Key: { pk: tenantId, sk: id },
          UpdateExpression: 'SET active = :false',
          ExpressionAttributeValues: { ':false': false },
        });
        changed = true;
      }
      if (changed) await deps.onChange(tenantId, false);
    },

    async list(tenantId, filter = {}, signal) {
      const nowSec = Math.floor(now() / 1000);
      return (await all(tenantId, signal))
        .filter((item) => (item.ttl as number) > nowSec)
        .filter((item) => filter.includeInactive || item.active === true)
        .filter((item) => !filter.status || item.status === filter.status)
        .map(toRecommendation)
        .sort((a, b) => (b.monthlySavingUsd ?? 0) - (a.monthlySavingUsd ?? 0) || a.id.localeCompare(b.id));
    },

    async setStatus(tenantId, id, status) {
      if (!STATUSES.includes(status)) throw new AppError('INVALID_STATUS', 'status must be open, done or dismissed', { status: 400 });
      const output = await db.update('recommendations', {
        Key: { pk: assertId('tenant', tenantId), sk: id },
        UpdateExpression: 'SET #status = :s, statusChangedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':s': status, ':at': new Date(now()).toISOString() },
        ReturnValues: 'ALL_NEW',
      });
      if (!output?.Attributes) return undefined;
      await deps.onChange(tenantId, true);
      return toRecommendation(output.Attributes);
    },
  };
}
