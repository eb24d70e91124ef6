/**
 * The durable outbox of alert and digest emails, in the alerts table beside the markers
 * (pk = tenant, sk = `outbox#<id>`). An item is written before its markers are claimed and
 * deleted once every recipient's email was accepted by SES, so a crash at any step leaves a
 * record to finish from. Items are found by a Query per tenant (`begins_with(sk, 'outbox#')`),
 * never a Scan. Every change after creation is conditional on the instance's lock, so two
 * instances never deliver the same item at once.
 */
import type { Db, Item } from './db.js';
import { assertId } from './ids.js';

/** `intent`: written, markers maybe not claimed yet. `ready`: owns its markers, to send. `dead`: given up on. */
export type OutboxState = 'intent' | 'ready' | 'dead';

/** One pending email batch; `payload` is the mail layer's JSON (what to render, for whom). */
export interface OutboxItem {
  tenantId: string;
  id: string;
  /** What kind of email, e.g. `findings`, `costs`, `digest` (the mail layer's names). */
  kind: string;
  state: OutboxState;
  payload: string;
  /** Indexes of the payload's recipients whose email SES accepted. */
  sent: number[];
  attempts: number;
  /** Not sent before this time (ms). */
  notBefore: number;
  lockedBy?: string;
  /** The lock holds until this time (ms); 0 when released. */
  lockedUntil: number;
  /** When the lock was last taken or renewed (ms; renewed right before each send); 0 on items written before this field. */
  lockedAt: number;
  createdAt: number;
  /** The last failure's code (never a message body). */
  lastError?: string;
}

/** What `create` needs; the rest starts empty. */
export type NewOutboxItem = Pick<OutboxItem, 'tenantId' | 'id' | 'kind' | 'state' | 'payload' | 'notBefore'>;

export interface AlertOutbox {
  /** Write a new item, locked by `owner` until `lockedUntil`. */
  create(item: NewOutboxItem, owner: string, lockedUntil: number): Promise<void>;
  /** Every item of a tenant, oldest first. */
  list(tenantId: string): Promise<OutboxItem[]>;
  get(tenantId: string, id: string): Promise<OutboxItem | undefined>;
  /**
   * Take or extend the lock: the item as stored, or undefined when another owner's lock has not
   * expired (or it is gone). `takeFrom` also takes it from a dead owner's unexpired lock, exactly
   * as it was seen (so a lock renewed meanwhile is not taken).
   */
  lock(tenantId: string, id: string, owner: string, lockedUntil: number, takeFrom?: { owner: string; lockedUntil: number }): Promise<OutboxItem | undefined>;
  /** Say that mailer `owner` is alive until `aliveUntil` (ms); its locks are honoured until then. */
  heartbeat(owner: string, aliveUntil: number): Promise<void>;
  /** Until when mailer `owner` said it is alive (ms); undefined when it never said so. */
  aliveUntil(owner: string): Promise<number | undefined>;
  /** Release `owner`'s lock so a restart or another instance can take the item at once. */
  unlock(tenantId: string, id: string, owner: string): Promise<void>;
  /** Intent -> ready with the payload of what the item owns; false when the lock was lost. */
  markReady(tenantId: string, id: string, owner: string, payload: string): Promise<boolean>;
  /** SES accepted recipient `index`'s email; false when the lock was lost. */
  markSent(tenantId: string, id: string, owner: string, index: number): Promise<boolean>;
  /** A failed attempt: count it, wait until `notBefore`, keep the error code; `dead` gives up. */
  reschedule(tenantId: string, id: string, owner: string, change: { notBefore: number; error: string; dead?: boolean }): Promise<void>;
  delete(tenantId: string, id: string): Promise<void>;
}

const PREFIX = 'outbox#';
/** Items outlive any retry schedule; a dead one stays this long for the operator to see. */
const TTL_DAYS = 14;

/** Heartbeats share the alerts table under their own partition keys (no tenant id starts with `#`). */
const ownerKey = (owner: string) => ({ pk: `#mailer#${owner}`, sk: 'heartbeat' });
const key = (tenantId: string, id: string) => ({ pk: assertId('tenant', tenantId), sk: `${PREFIX}${assertId('outbox item', id)}` });

function toItem(item: Item): OutboxItem {
  return {
    tenantId: item.pk as string,
    id: (item.sk as string).slice(PREFIX.length),
    kind: item.kind as string,
    state: item.state as OutboxState,
    payload: item.payload as string,
    sent: Array.isArray(item.sent) ? (item.sent as number[]) : [],
    attempts: (item.attempts as number | undefined) ?? 0,
    notBefore: (item.notBefore as number | undefined) ?? 0,
    ...(typeof item.lockedBy === 'string' ? { lockedBy: item.lockedBy } : {}),
    lockedUntil: (item.lockedUntil as number | undefined) ?? 0,
    lockedAt: (item.lockedAt as number | undefined) ?? 0,
    createdAt: (item.createdAt as number | undefined) ?? 0,
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
  };
}

/** Create the outbox repository. */
export function createAlertOutbox(deps: { db: Db; now?: () => number }): AlertOutbox {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const held = { ConditionExpression: 'lockedBy = :owner' } as const;

  return {
    async create(item, owner, lockedUntil) {
      const at = now();
      await db.put('alerts', {
        Item: {
          ...key(item.tenantId, item.id),
          kind: item.kind,
          state: item.state,
          payload: item.payload,
          sent: [],
          attempts: 0,
          notBefore: item.notBefore,
          lockedBy: owner,
          lockedUntil,
          lockedAt: at,
          createdAt: at,
          ttl: Math.floor(at / 1000) + TTL_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    },

    async list(tenantId) {
      const items: OutboxItem[] = [];
      const query = db.queryAll('alerts', {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': PREFIX },
        // Eventually consistent (half the price): a sweep that misses a new item sees it next
        // time, and taking an item is a conditional write on the item itself.
      });
      for await (const item of query) items.push(toItem(item));
      return items.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },

    async get(tenantId, id) {
      const item = await db.get('alerts', { Key: key(tenantId, id), ConsistentRead: true });
      return item && toItem(item);
    },

    async lock(tenantId, id, owner, lockedUntil, takeFrom) {
      const output = await db.update('alerts', {
        Key: key(tenantId, id),
        UpdateExpression: 'SET lockedBy = :owner, lockedUntil = :until, lockedAt = :now',
        ConditionExpression: takeFrom
          ? 'attribute_exists(pk) AND (lockedBy = :owner OR lockedUntil < :now OR (lockedBy = :dead AND lockedUntil = :seen))'
          : 'attribute_exists(pk) AND (lockedBy = :owner OR lockedUntil < :now)',
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': lockedUntil,
          ':now': now(),
          ...(takeFrom ? { ':dead': takeFrom.owner, ':seen': takeFrom.lockedUntil } : {}),
        },
        ReturnValues: 'ALL_NEW',
      });
      return output?.Attributes && toItem(output.Attributes);
    },

    async heartbeat(owner, aliveUntil) {
      // Kept a day after the last beat, then expired: an owner that long gone holds nothing.
      await db.put('alerts', { Item: { ...ownerKey(owner), aliveUntil, ttl: Math.floor(aliveUntil / 1000) + 86_400 } });
    },

    async aliveUntil(owner) {
      const item = await db.get('alerts', { Key: ownerKey(owner), ConsistentRead: true });
      return typeof item?.aliveUntil === 'number' ? item.aliveUntil : undefined;
    },

    async unlock(tenantId, id, owner) {
      await db.update('alerts', {
        Key: key(tenantId, id),
        UpdateExpression: 'SET lockedUntil = :zero',
        ...held,
        ExpressionAttributeValues: { ':owner': owner, ':zero': 0 },
      });
    },

    async markReady(tenantId, id, owner, payload) {
      const output = await db.update('alerts', {
        Key: key(tenantId, id),
        UpdateExpression: 'SET #state = :ready, payload = :payload',
        ...held,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':owner': owner, ':ready': 'ready', ':payload': payload },
      });
      return output !== undefined;
    },

    async markSent(tenantId, id, owner, index) {
      const output = await db.update('alerts', {
        Key: key(tenantId, id),
        UpdateExpression: 'SET sent = list_append(sent, :index)',
        ...held,
        ExpressionAttributeValues: { ':owner': owner, ':index': [index] },
      });
      return output !== undefined;
    },

    async reschedule(tenantId, id, owner, change) {
      await db.update('alerts', {
        Key: key(tenantId, id),
        UpdateExpression: `SET attempts = attempts + :one, notBefore = :nb, lastError = :error${change.dead ? ', #state = :dead' : ''}`,
        ...held,
        ...(change.dead ? { ExpressionAttributeNames: { '#state': 'state' } } : {}),
        ExpressionAttributeValues: { ':owner': owner, ':one': 1, ':nb': change.notBefore, ':error': change.error, ...(change.dead ? { ':dead': 'dead' } : {}) },
      });
    },

    async delete(tenantId, id) {
      await db.delete('alerts', { Key: key(tenantId, id) });
    },
  };
}
