/**
 * Tells the other instances that cached identity data changed (a session revoked, a user's role,
 * address or password changed), through Redis pub/sub when REDIS_URL is set; within one process
 * the caches drop their entries themselves. A lost message (Redis down) costs at most the
 * session cache's short TTL.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../log.js';

/** What changed: one session (by its stored hash, never the token) or everything cached of one user. */
export type BusMessage = { kind: 'session'; hash: string } | { kind: 'user'; tenantId: string; userId: string };

export interface InvalidationBus {
  /** Tell the other instances (never this one's handlers: the writer drops its own entries). */
  publish(message: BusMessage): void;
  /** Messages of other instances. */
  subscribe(handler: (message: BusMessage) => void): void;
  /** Idempotent. */
  close(): Promise<void>;
}

/** One instance: nobody to tell. */
export function localBus(): InvalidationBus {
  return { publish: () => {}, subscribe: () => {}, close: async () => {} };
}

export interface RedisBusOptions {
  url: string;
  /** Channel name, e.g. `cloud-health:identity` (tests use one per run). */
  channel: string;
  log: Logger;
}

function parse(text: string): { from: string; message: BusMessage } | undefined {
  try {
    const value = JSON.parse(text) as { from?: unknown; message?: { kind?: unknown; hash?: unknown; tenantId?: unknown; userId?: unknown } };
    const m = value.message;
    if (typeof value.from !== 'string' || !m) return undefined;
    if (m.kind === 'session' && typeof m.hash === 'string') return { from: value.from, message: { kind: 'session', hash: m.hash } };
    if (m.kind === 'user' && typeof m.tenantId === 'string' && typeof m.userId === 'string') {
      return { from: value.from, message: { kind: 'user', tenantId: m.tenantId, userId: m.userId } };
    }
  } catch {
    // not ours
  }
  return undefined;
}

/** Pub/sub over two connections (a subscribed connection can do nothing else). */
export function createRedisBus(options: RedisBusOptions): InvalidationBus {
  const self = randomBytes(8).toString('hex');
  const log = options.log.child({ component: 'invalidation-bus' });
  const connect = () =>
    new Redis(options.url, {
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 250, 5_000),
      ...({ disconnectTimeout: 100 } as object),
    });
  const pub = connect();
  const sub = connect();
  let lastError = 0;
  const onError = (error: Error) => {
    if (Date.now() - lastError > 60_000) {
      lastError = Date.now();
      log.warn({ err: { name: error.name, code: (error as { code?: string }).code } }, 'redis bus error; other instances learn of revocations within the session cache TTL');
    }
  };
  pub.on('error', onError);
  sub.on('error', onError);
  const handlers: ((message: BusMessage) => void)[] = [];
  // ioredis re-subscribes after a reconnect.
  sub.subscribe(options.channel).catch(onError);
  sub.on('message', (channel: string, text: string) => {
    if (channel !== options.channel) return;
    const parsed = parse(text);
    if (!parsed || parsed.from === self) return;
    for (const handler of handlers) handler(parsed.message);
  });
  let closing: Promise<void> | undefined;
  return {
    publish(message) {
      // Queued by ioredis while (re)connecting; dropped after a failed retry.
      pub.publish(options.channel, JSON.stringify({ from: self, message })).catch(onError);
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    close() {
      closing ??= (async () => {
        for (const connection of [sub, pub]) {
          try {
            if (connection.status === 'ready') await connection.quit();
            else connection.disconnect(false);
          } catch {
            connection.disconnect(false);
          }
        }
      })();
      return closing;
    },
  };
}
