/**
 * Login sessions, stored under the SHA-256 of the token only (pk); the token itself lives in
 * the user's cookie. Expired sessions are refused on read and deleted by TTL.
 */
import type { Db } from './db.js';
import { hashToken, newToken } from './crypto/tokens.js';
import { assertId } from './ids.js';

export interface Session {
  tenantId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface SessionRepository {
  /** A new session; the returned token is shown once (the cookie) and never stored. */
  create(input: { tenantId: string; userId: string; ttlMs?: number }): Promise<{ token: string; session: Session }>;
  /** The live session of `token`, or undefined (unknown, revoked or expired). */
  get(token: string): Promise<Session | undefined>;
  /** Revoke (logout). Idempotent. */
  revoke(token: string): Promise<void>;
}

export interface SessionRepositoryDeps {
  db: Db;
  /** Session lifetime when `create` gives none (default 7 days). */
  defaultTtlMs?: number;
  now?: () => number;
}

/** Create the session repository. */
export function createSessionRepository(deps: SessionRepositoryDeps): SessionRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const defaultTtlMs = deps.defaultTtlMs ?? 7 * 86_400_000;
  return {
    async create(input) {
      const token = newToken();
      const at = now();
      const expires = at + (input.ttlMs ?? defaultTtlMs);
      const session: Session = {
        tenantId: assertId('tenant', input.tenantId),
        userId: assertId('user', input.userId),
        createdAt: new Date(at).toISOString(),
        expiresAt: new Date(expires).toISOString(),
      };
      await db.put('sessions', { Item: { pk: hashToken(token), ...session, ttl: Math.ceil(expires / 1000) } });
      return { token, session };
    },
    async get(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
      // Strongly consistent, so a logout elsewhere takes effect on the very next request.
      const item = await db.get('sessions', { Key: { pk: hashToken(token) }, ConsistentRead: true });
      if (!item || Date.parse(item.expiresAt as string) <= now()) return undefined;
      return {
        tenantId: item.tenantId as string,
        userId: item.userId as string,
        createdAt: item.createdAt as string,
        expiresAt: item.expiresAt as string,
      };
    },
    async revoke(token) {
      if (typeof token !== 'string' || token.length === 0) return;
      await db.delete('sessions', { Key: { pk: hashToken(token) } });
    },
  };
}
