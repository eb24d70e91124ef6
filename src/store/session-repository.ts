/**
 * Login sessions, stored under the SHA-256 of the token only (pk); the token itself lives in
 * the user's cookie. Expired sessions are refused on read and deleted by TTL.
 *
 * So a user can see and end their sessions, each session also has an index item in the users
 * table, in the partition of the user's home tenant (where their identity lives, whichever
 * organization the session is in): sk = `session#<userId>#<sessionId>` (Query by prefix; the
 * sessions table has no sort key). The id is random, never the token or its hash. The
 * per-user functions below take that home tenant.
 */
import type { Db, Item } from './db.js';
import { hashToken, newToken } from './crypto/tokens.js';
import { assertId, newId } from './ids.js';

export interface Session {
  /** Public id (for the sessions list); not a credential. */
  id: string;
  /** The organization the session acts in (every tenant-scoped query uses it). */
  tenantId: string;
  userId: string;
  /** The user's home tenant, when it is not `tenantId` (where the session is indexed). */
  homeTenantId?: string;
  createdAt: string;
  expiresAt: string;
  /** The browser's User-Agent at sign-in, trimmed (shown in the sessions list). */
  userAgent?: string;
}

export interface SessionRepository {
  /** A new session; the returned token is shown once (the cookie) and never stored. */
  create(input: { tenantId: string; userId: string; homeTenantId?: string; ttlMs?: number; userAgent?: string }): Promise<{ token: string; session: Session }>;
  /** The live session of `token`, or undefined (unknown, revoked or expired). */
  get(token: string): Promise<Session | undefined>;
  /** Revoke (logout). Idempotent. */
  revoke(token: string): Promise<void>;
  /** The user's live sessions, newest first. */
  listForUser(tenantId: string, userId: string): Promise<Session[]>;
  /** End one of the user's sessions by id; false when there was none. */
  revokeById(tenantId: string, userId: string, sessionId: string): Promise<boolean>;
  /** End every session of the user but `exceptId`; returns how many ended. */
  revokeAllForUser(tenantId: string, userId: string, exceptId?: string): Promise<number>;
}

export interface SessionRepositoryDeps {
  db: Db;
  /** Session lifetime when `create` gives none (default 7 days). */
  defaultTtlMs?: number;
  now?: () => number;
}

const indexKey = (tenantId: string, userId: string, sessionId: string) => ({ pk: tenantId, sk: `session#${userId}#${sessionId}` });

/** Create the session repository. */
export function createSessionRepository(deps: SessionRepositoryDeps): SessionRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const defaultTtlMs = deps.defaultTtlMs ?? 7 * 86_400_000;

  const toSession = (item: Item): Session => ({
    id: item.sessionId as string,
    tenantId: item.tenantId as string,
    userId: item.userId as string,
    createdAt: item.createdAt as string,
    expiresAt: item.expiresAt as string,
    ...(typeof item.userAgent === 'string' ? { userAgent: item.userAgent } : {}),
    ...(typeof item.homeTenantId === 'string' ? { homeTenantId: item.homeTenantId } : {}),
  });

  async function dropIndex(tenantId: string, userId: string, sessionId: string): Promise<void> {
    await db.delete('users', { Key: indexKey(tenantId, userId, sessionId) });
  }

  async function indexItems(tenantId: string, userId: string): Promise<Item[]> {
    const items: Item[] = [];
    const prefix = `session#${assertId('user', userId)}#`;
    for await (const item of db.queryAll('users', {
      KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': prefix },
      ConsistentRead: true,
    })) {
      items.push(item);
    }
    return items;
  }

  return {
    async create(input) {
      const token = newToken();
      const at = now();
      const expires = at + (input.ttlMs ?? defaultTtlMs);
      const session: Session = {
        id: newId('s'),
        tenantId: assertId('tenant', input.tenantId),
        userId: assertId('user', input.userId),
        createdAt: new Date(at).toISOString(),
        expiresAt: new Date(expires).toISOString(),
        ...(input.userAgent ? { userAgent: input.userAgent.slice(0, 200) } : {}),
        ...(input.homeTenantId && input.homeTenantId !== input.tenantId ? { homeTenantId: assertId('tenant', input.homeTenantId) } : {}),
      };
      const pk = hashToken(token);
      const { id, ...rest } = session;
      await db.put('sessions', { Item: { pk, sessionId: id, ...rest, ttl: Math.ceil(expires / 1000) } });
      // The users table has no TTL: expired index items are dropped when the list is read.
      await db.put('users', { Item: { ...rest, ...indexKey(session.homeTenantId ?? session.tenantId, session.userId, id), sessionPk: pk, sessionId: id } });
      return { token, session };
    },
    async get(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
      // Strongly consistent, so a logout elsewhere takes effect on the very next request.
      const item = await db.get('sessions', { Key: { pk: hashToken(token) }, ConsistentRead: true });
      if (!item || Date.parse(item.expiresAt as string) <= now()) return undefined;
      // A session from before the sessions list has no id and no index item: nothing could list
      // it or end it (a reset, "sign out everywhere"), so it is no session; its TTL removes it.
      if (typeof item.sessionId !== 'string') return undefined;
      return toSession(item);
    },
    async revoke(token) {
      if (typeof token !== 'string' || token.length === 0) return;
      const output = await db.delete('sessions', { Key: { pk: hashToken(token) }, ReturnValues: 'ALL_OLD' });
      const old = output?.Attributes;
      if (old?.sessionId) await dropIndex((old.homeTenantId ?? old.tenantId) as string, old.userId as string, old.sessionId as string);
    },
    async listForUser(tenantId, userId) {
      const live: Session[] = [];
      for (const item of await indexItems(tenantId, userId)) {
        if (Date.parse(item.expiresAt as string) <= now()) {
          await db.delete('users', { Key: { pk: item.pk, sk: item.sk } });
          continue;
        }
        live.push(toSession({ tenantId, ...item, userId }));
      }
      return live.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async revokeById(tenantId, userId, sessionId) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(sessionId)) return false;
      const output = await db.delete('users', { Key: indexKey(assertId('tenant', tenantId), assertId('user', userId), sessionId), ReturnValues: 'ALL_OLD' });
      const old = output?.Attributes;
      if (!old) return false;
      await db.delete('sessions', { Key: { pk: old.sessionPk as string } });
      return Date.parse(old.expiresAt as string) > now();
    },
    async revokeAllForUser(tenantId, userId, exceptId) {
      let ended = 0;
      for (const item of await indexItems(tenantId, userId)) {
        if (item.sessionId === exceptId) continue;
        await db.delete('sessions', { Key: { pk: item.sessionPk as string } });
        await db.delete('users', { Key: { pk: item.pk, sk: item.sk } });
        if (Date.parse(item.expiresAt as string) > now()) ended += 1;
      }
      return ended;
    },
  };
}
