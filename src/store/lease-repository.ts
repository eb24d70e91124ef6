/**
 * Leases, the Kinesis Client Library's pattern: one item per leased key (a tenant id, or a
 * shard name), with owner, counter and expiry, changed only by conditional writes. Every
 * successful take or renew increments the counter, so a taker that saw counter N can only
 * succeed if nobody renewed since it looked. A keys-only GSI on a few fixed buckets lists all leases.
 */
import { createHash } from 'node:crypto';
import type { Db, Item } from './db.js';
import { FLEET_BUCKETS, INDEX } from './tables.js';

export interface Lease {
  key: string;
  /** Absent when released. */
  owner?: string;
  counter: number;
  /** Epoch ms, by the clock of the instance that last wrote it. */
  expiresAt: number;
}

export interface TakeOptions {
  durationMs: number;
  /**
   * The lease as the taker last saw it. Absent: take only a lease that does not exist yet.
   * Present: succeed only if its counter is unchanged and it is expired or released, or `force`.
   */
  seen?: Pick<Lease, 'counter'> & Partial<Lease>;
  /** Steal even if not expired (load balancing), as long as the counter is unchanged. */
  force?: boolean;
}

export interface LeaseRepository {
  /** Every lease (eventually consistent). */
  list(signal?: AbortSignal): Promise<Lease[]>;
  get(key: string): Promise<Lease | undefined>;
  /** The new lease, or undefined when someone else got it or renewed it first. */
  take(key: string, owner: string, options: TakeOptions): Promise<Lease | undefined>;
  /** Extend a lease we hold; undefined when it was lost (taken over). */
  renew(lease: Lease, durationMs: number): Promise<Lease | undefined>;
  /** Give a lease up (on shutdown) so another instance can take it at once. */
  release(lease: Lease): Promise<boolean>;
}

const bucketOf = (key: string) => `l#${createHash('sha256').update(key).digest().readUInt32BE(0) % FLEET_BUCKETS}`;

function toLease(item: Item): Lease {
  return {
    key: item.pk as string,
    ...(typeof item.owner === 'string' ? { owner: item.owner } : {}),
    counter: item.counter as number,
    expiresAt: item.expiresAt as number,
  };
}

/** Create the lease repository. */
export function createLeaseRepository(deps: { db: Db; now?: () => number }): LeaseRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  return {
    async list(signal) {
      // The index holds keys only (see tables.ts); the leases themselves come from a batch get.
      const keys: Item[] = [];
      for (let bucket = 0; bucket < FLEET_BUCKETS; bucket += 1) {
        const items = db.queryAll(
          'leases',
          { IndexName: INDEX.leasesByBucket, KeyConditionExpression: '#bucket = :b', ExpressionAttributeNames: { '#bucket': 'bucket' }, ExpressionAttributeValues: { ':b': `l#${bucket}` } },
          signal,
        );
        for await (const item of items) keys.push({ pk: item.pk });
      }
      return (await db.batchGet('leases', keys, signal)).map(toLease).sort((a, b) => a.key.localeCompare(b.key));
    },

    async get(key) {
      const item = await db.get('leases', { Key: { pk: key }, ConsistentRead: true });
      return item && toLease(item);
    },

    async take(key, owner, options) {
      const at = now();
      const counter = (options.seen?.counter ?? 0) + 1;
      const item = { pk: key, bucket: bucketOf(key), owner, counter, expiresAt: at + options.durationMs };
      const values: Record<string, unknown> = {};
      let condition = 'attribute_not_exists(pk)';
      if (options.seen) {
        values[':seen'] = options.seen.counter;
        values[':now'] = at;
        condition = options.force ? '#counter = :seen' : '#counter = :seen AND (attribute_not_exists(#owner) OR expiresAt < :now)';
      }
      const taken = await db.putIf('leases', {
        Item: item,
        ConditionExpression: condition,
        ...(options.seen
          ? {
              ExpressionAttributeNames: options.force ? { '#counter': 'counter' } : { '#counter': 'counter', '#owner': 'owner' },
              ExpressionAttributeValues: options.force ? { ':seen': options.seen.counter } : values,
            }
          : {}),
      });
      return taken ? toLease(item) : undefined;
    },

    async renew(lease, durationMs) {
      if (!lease.owner) return undefined;
      const output = await db.update('leases', {
        Key: { pk: lease.key },
        UpdateExpression: 'SET #counter = :next, expiresAt = :expires',
        ConditionExpression: '#owner = :owner AND #counter = :counter',
        ExpressionAttributeNames: { '#owner': 'owner', '#counter': 'counter' },
        ExpressionAttributeValues: { ':owner': lease.owner, ':counter': lease.counter, ':next': lease.counter + 1, ':expires': now() + durationMs },
        ReturnValues: 'ALL_NEW',
      });
      return output?.Attributes ? toLease(output.Attributes) : undefined;
    },

    async release(lease) {
      if (!lease.owner) return false;
      const output = await db.update('leases', {
        Key: { pk: lease.key },
        UpdateExpression: 'REMOVE #owner SET #counter = :next, expiresAt = :zero',
        ConditionExpression: '#owner = :owner AND #counter = :counter',
        ExpressionAttributeNames: { '#owner': 'owner', '#counter': 'counter' },
        ExpressionAttributeValues: { ':owner': lease.owner, ':counter': lease.counter, ':next': lease.counter + 1, ':zero': 0 },
      });
      return output !== undefined;
    },
  };
}
