/**
 * Alert channels (Slack incoming webhooks, signed HTTPS webhooks) and their per-alert delivery
 * records, in the alerts table beside the outbox (pk = tenant):
 * - `channel#<id>`: a channel. Its URL and signing secret are secrets, sealed with the keyring
 *   (AES-256-GCM, the tenant and channel bound in as context, as AWS secret keys are); only a
 *   masked form (host + last 4 characters) is stored in clear, for the list.
 * - `chdel#<item>#<channel>`: one alert outbox item's delivery to one channel, created with a
 *   conditional put (attribute_not_exists), so processing the same item again (a restart, another
 *   instance) never creates a second delivery. Kept, cut down, after it is delivered, for the same
 *   reason, until its TTL.
 * Both are read with a Query per tenant (`begins_with`), never a Scan.
 */
import type { SealedSecret } from '../domain/tenant.js';
import type { Db, Item } from './db.js';
import { assertId, ttlAfter } from './ids.js';

/** `slack`: a Slack incoming webhook. `webhook`: any HTTPS URL, signed with HMAC-SHA256. */
export type ChannelKind = 'slack' | 'webhook';

/** `ok` until deliveries keep failing; back to `ok` on the next success. */
export type ChannelStatus = 'ok' | 'failing';

/** A channel as stored: secrets sealed. */
export interface ChannelRecord {
  tenantId: string;
  id: string;
  kind: ChannelKind;
  name: string;
  /** Host and last 4 characters, e.g. `hooks.slack.com/…AbCd`. */
  maskedUrl: string;
  url: SealedSecret;
  /** Webhooks only: the HMAC key, sealed. */
  signingSecret?: SealedSecret;
  status: ChannelStatus;
  /** Failed deliveries in a row. */
  failures: number;
  /** The last failure's code (never a response body). */
  lastError?: string;
  lastErrorAt?: string;
  lastSuccessAt?: string;
  createdAt: string;
}

export type NewChannel = Pick<ChannelRecord, 'tenantId' | 'id' | 'kind' | 'name' | 'maskedUrl' | 'url' | 'signingSecret'>;

/** `pending`: to deliver. `delivered`: the receiver answered 2xx. `dead`: given up on. */
export type ChannelDeliveryState = 'pending' | 'delivered' | 'dead';

/** One alert item's delivery to one channel. */
export interface ChannelDeliveryRecord {
  tenantId: string;
  /** The outbox item id. */
  itemId: string;
  channelId: string;
  state: ChannelDeliveryState;
  /** The event JSON (what to send; no secret in it). Gone once delivered. */
  event?: string;
  attempts: number;
  notBefore: number;
  lockedBy?: string;
  lockedUntil: number;
  /** When the lock was last taken or renewed (a delivery renews it right before each request); 0 if never. */
  lockedAt: number;
  lastError?: string;
  createdAt: number;
}

export interface ChannelRepository {
  add(channel: NewChannel): Promise<ChannelRecord>;
  list(tenantId: string): Promise<ChannelRecord[]>;
  get(tenantId: string, id: string): Promise<ChannelRecord | undefined>;
  /** False when there was no such channel. */
  remove(tenantId: string, id: string): Promise<boolean>;
  /** A delivery (or test) succeeded: `ok`, failures reset. A no-op for a removed channel. */
  recordSuccess(tenantId: string, id: string, at: number): Promise<void>;
  /** A delivery failed: count it; `failing` once `failingAfter` failures in a row. A no-op for a removed channel. */
  recordFailure(tenantId: string, id: string, code: string, at: number, failingAfter: number): Promise<void>;

  /** Create a delivery locked by `owner`; false when it already exists (idempotent on item + channel). */
  createDelivery(record: Pick<ChannelDeliveryRecord, 'tenantId' | 'itemId' | 'channelId' | 'event' | 'notBefore'>, owner: string, lockedUntil: number): Promise<boolean>;
  /** A tenant's pending deliveries (recovery). */
  pendingDeliveries(tenantId: string): Promise<ChannelDeliveryRecord[]>;
  getDelivery(tenantId: string, itemId: string, channelId: string): Promise<ChannelDeliveryRecord | undefined>;
  /**
   * Take or extend the lock of a pending delivery: the record, or undefined when another owner's
   * lock holds (or it is not pending). `takeFrom`: take it from a dead owner's lock as seen.
   */
  lockDelivery(tenantId: string, itemId: string, channelId: string, owner: string, lockedUntil: number, takeFrom?: { owner: string; lockedUntil: number }): Promise<ChannelDeliveryRecord | undefined>;
  /** Delivered: drop the event, keep the key (so the item never fans out to this channel again). */
  markDelivered(tenantId: string, itemId: string, channelId: string, owner: string): Promise<void>;
  /** A failed attempt: count it, wait until `notBefore`; `dead` gives up. */
  rescheduleDelivery(tenantId: string, itemId: string, channelId: string, owner: string, change: { notBefore: number; error: string; dead?: boolean }): Promise<void>;
  unlockDelivery(tenantId: string, itemId: string, channelId: string, owner: string): Promise<void>;
}

const CHANNEL = 'channel#';
const DELIVERY = 'chdel#';
/** Longer than any retry schedule; the kept key also guards against a second fan-out this long. */
const DELIVERY_TTL_DAYS = 14;

const channelKey = (tenantId: string, id: string) => ({ pk: assertId('tenant', tenantId), sk: `${CHANNEL}${assertId('channel', id)}` });
const deliveryKey = (tenantId: string, itemId: string, channelId: string) => ({
  pk: assertId('tenant', tenantId),
  sk: `${DELIVERY}${assertId('outbox item', itemId)}#${assertId('channel', channelId)}`,
});

const sealed = (value: unknown): SealedSecret | undefined => {
  const v = value as Partial<SealedSecret> | undefined;
  return v && typeof v.keyId === 'string' && typeof v.blob === 'string' ? { keyId: v.keyId, blob: v.blob } : undefined;
};
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function toChannel(item: Item): ChannelRecord {
  const signingSecret = sealed(item.signingSecret);
  const lastError = text(item.lastError);
  const lastErrorAt = text(item.lastErrorAt);
  const lastSuccessAt = text(item.lastSuccessAt);
  return {
    tenantId: item.pk as string,
    id: (item.sk as string).slice(CHANNEL.length),
    kind: item.kind as ChannelKind,
    name: item.name as string,
    maskedUrl: item.maskedUrl as string,
    url: sealed(item.url) as SealedSecret,
    ...(signingSecret ? { signingSecret } : {}),
    status: item.status === 'failing' ? 'failing' : 'ok',
    failures: (item.failures as number | undefined) ?? 0,
    ...(lastError ? { lastError } : {}),
    ...(lastErrorAt ? { lastErrorAt } : {}),
    ...(lastSuccessAt ? { lastSuccessAt } : {}),
    createdAt: item.createdAt as string,
  };
}

function toDelivery(item: Item): ChannelDeliveryRecord {
  const [itemId = '', channelId = ''] = (item.sk as string).slice(DELIVERY.length).split('#');
  const event = text(item.event);
  const lockedBy = text(item.lockedBy);
  const lastError = text(item.lastError);
  return {
    tenantId: item.pk as string,
    itemId,
    channelId,
    state: item.state as ChannelDeliveryState,
    ...(event ? { event } : {}),
    attempts: (item.attempts as number | undefined) ?? 0,
    notBefore: (item.notBefore as number | undefined) ?? 0,
    ...(lockedBy ? { lockedBy } : {}),
    lockedUntil: (item.lockedUntil as number | undefined) ?? 0,
    lockedAt: (item.lockedAt as number | undefined) ?? 0,
    ...(lastError ? { lastError } : {}),
    createdAt: (item.createdAt as number | undefined) ?? 0,
  };
}

/** Create the channel repository. */
export function createChannelRepository(deps: { db: Db; now?: () => number }): ChannelRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const held = 'lockedBy = :owner';

  async function updateIfExists(key: Item, expression: string, values: Record<string, unknown>, names?: Record<string, string>): Promise<void> {
    // A failed condition (the channel was removed) answers undefined: nothing to record.
    await db.update('alerts', { Key: key, UpdateExpression: expression, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: values, ...(names ? { ExpressionAttributeNames: names } : {}) });
  }

  return {
    async add(channel) {
      const record: ChannelRecord = { ...channel, status: 'ok', failures: 0, createdAt: new Date(now()).toISOString() };
      const { tenantId: _t, id: _i, ...rest } = record;
      await db.put('alerts', { Item: { ...channelKey(channel.tenantId, channel.id), ...rest }, ConditionExpression: 'attribute_not_exists(pk)' });
      return record;
    },

    async list(tenantId) {
      const out: ChannelRecord[] = [];
      // Strongly consistent: a channel added a moment ago gets the next alert.
      const query = db.queryAll('alerts', {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': CHANNEL },
        ConsistentRead: true,
      });
      for await (const item of query) out.push(toChannel(item));
      return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async get(tenantId, id) {
      const item = await db.get('alerts', { Key: channelKey(tenantId, id), ConsistentRead: true });
      return item && toChannel(item);
    },

    async remove(tenantId, id) {
      const output = await db.delete('alerts', { Key: channelKey(tenantId, id), ReturnValues: 'ALL_OLD' });
      return output?.Attributes !== undefined;
    },

    async recordSuccess(tenantId, id, at) {
      await updateIfExists(channelKey(tenantId, id), 'SET #status = :ok, failures = :zero, lastSuccessAt = :at', { ':ok': 'ok', ':zero': 0, ':at': new Date(at).toISOString() }, { '#status': 'status' });
    },

    async recordFailure(tenantId, id, code, at, failingAfter) {
      // One update counts; the flip to failing follows from the count it reached.
      const output = await db.update('alerts', {
        Key: channelKey(tenantId, id),
        UpdateExpression: 'SET failures = if_not_exists(failures, :zero) + :one, lastError = :code, lastErrorAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':code': code, ':at': new Date(at).toISOString() },
        ReturnValues: 'ALL_NEW',
      });
      const failures = (output?.Attributes?.failures as number | undefined) ?? 0;
      if (failures >= failingAfter && output?.Attributes?.status !== 'failing') {
        await updateIfExists(channelKey(tenantId, id), 'SET #status = :failing', { ':failing': 'failing' }, { '#status': 'status' });
      }
    },

    async createDelivery(record, owner, lockedUntil) {
      const at = now();
      return db.putIf('alerts', {
        Item: {
          ...deliveryKey(record.tenantId, record.itemId, record.channelId),
          state: 'pending',
          event: record.event,
          attempts: 0,
          notBefore: record.notBefore,
          lockedBy: owner,
          lockedUntil,
          lockedAt: at,
          createdAt: at,
          ttl: ttlAfter(at, DELIVERY_TTL_DAYS),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    },

    async pendingDeliveries(tenantId) {
      const out: ChannelDeliveryRecord[] = [];
      const query = db.queryAll('alerts', {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
        FilterExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': DELIVERY, ':pending': 'pending' },
      });
      for await (const item of query) out.push(toDelivery(item));
      return out.sort((a, b) => a.createdAt - b.createdAt);
    },

    async getDelivery(tenantId, itemId, channelId) {
      const item = await db.get('alerts', { Key: deliveryKey(tenantId, itemId, channelId), ConsistentRead: true });
      return item && toDelivery(item);
    },

    async lockDelivery(tenantId, itemId, channelId, owner, lockedUntil, takeFrom) {
      const output = await db.update('alerts', {
        Key: deliveryKey(tenantId, itemId, channelId),
        UpdateExpression: 'SET lockedBy = :owner, lockedUntil = :until, lockedAt = :now',
        ConditionExpression: takeFrom
          ? '#state = :pending AND (lockedBy = :owner OR lockedUntil < :now OR (lockedBy = :dead AND lockedUntil = :seen))'
          : '#state = :pending AND (lockedBy = :owner OR lockedUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': lockedUntil,
          ':now': now(),
          ':pending': 'pending',
          ...(takeFrom ? { ':dead': takeFrom.owner, ':seen': takeFrom.lockedUntil } : {}),
        },
        ReturnValues: 'ALL_NEW',
      });
      return output?.Attributes && toDelivery(output.Attributes);
    },

    async markDelivered(tenantId, itemId, channelId, owner) {
      await db.update('alerts', {
        Key: deliveryKey(tenantId, itemId, channelId),
        UpdateExpression: 'SET #state = :delivered, lockedUntil = :zero REMOVE event',
        ConditionExpression: held,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':owner': owner, ':delivered': 'delivered', ':zero': 0 },
      });
    },

    async rescheduleDelivery(tenantId, itemId, channelId, owner, change) {
      await db.update('alerts', {
        Key: deliveryKey(tenantId, itemId, channelId),
        UpdateExpression: `SET attempts = attempts + :one, notBefore = :nb, lastError = :error${change.dead ? ', #state = :dead' : ''}`,
        ConditionExpression: held,
        ...(change.dead ? { ExpressionAttributeNames: { '#state': 'state' } } : {}),
        ExpressionAttributeValues: { ':owner': owner, ':one': 1, ':nb': change.notBefore, ':error': change.error, ...(change.dead ? { ':dead': 'dead' } : {}) },
      });
    },

    async unlockDelivery(tenantId, itemId, channelId, owner) {
      await db.update('alerts', {
        Key: deliveryKey(tenantId, itemId, channelId),
        UpdateExpression: 'SET lockedUntil = :zero',
        ConditionExpression: held,
        ExpressionAttributeValues: { ':owner': owner, ':zero': 0 },
      });
    },
  };
}
