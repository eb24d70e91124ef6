/**
 * One-time tokens (email verification): stored as the SHA-256 of the token, expiring after 24 h
 * by default, and single-use: consuming is a conditional delete, so two requests racing with
 * the same token cannot both succeed.
 */
import type { Db } from './db.js';
import { hashToken, newToken } from './crypto/tokens.js';
import { assertId } from './ids.js';

/**
 * `verify_email` and `reset_password` are single-use links; `trusted_device` marks a browser that
 * signed in to an address before (login throttling lets it skip the per-email delay); `mfa_login`
 * is the pending sign-in between a right password and its second factor (not a session).
 */
export type TokenPurpose = 'verify_email' | 'reset_password' | 'trusted_device' | 'mfa_login';

export interface OneTimeToken {
  purpose: TokenPurpose;
  tenantId: string;
  userId: string;
  /** The address the token was sent to (verification confirms this address, not a later one). */
  email: string;
  expiresAt: string;
}

export interface TokenRepository {
  /** A new token; only its hash is stored. */
  issue(input: Omit<OneTimeToken, 'expiresAt'> & { ttlMs?: number }): Promise<string>;
  /** The token's record, deleting it; undefined when unknown, used, expired or for another purpose. */
  consume(token: string, purpose: TokenPurpose): Promise<OneTimeToken | undefined>;
  /** The live token's record without using it up; `id` is the stored hash (safe to log or key on). */
  find(token: string, purpose: TokenPurpose): Promise<(OneTimeToken & { id: string }) | undefined>;
  /** Delete the token with this id (from `find`). Idempotent. */
  revoke(id: string): Promise<void>;
}

export interface TokenRepositoryDeps {
  db: Db;
  now?: () => number;
}

/** Default lifetime of a one-time token. */
export const ONE_TIME_TOKEN_TTL_MS = 24 * 3_600_000;

/** Create the one-time token repository. */
export function createTokenRepository(deps: TokenRepositoryDeps): TokenRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  return {
    async issue(input) {
      const token = newToken();
      const expires = now() + (input.ttlMs ?? ONE_TIME_TOKEN_TTL_MS);
      await db.put('tokens', {
        Item: {
          pk: hashToken(token),
          purpose: input.purpose,
          tenantId: assertId('tenant', input.tenantId),
          userId: assertId('user', input.userId),
          email: input.email,
          expiresAt: new Date(expires).toISOString(),
          expiresAtMs: expires,
          ttl: Math.ceil(expires / 1000),
        },
      });
      return token;
    },
    async find(token, purpose) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
      const id = hashToken(token);
      const item = await db.get('tokens', { Key: { pk: id }, ConsistentRead: true });
      if (!item || item.purpose !== purpose || (item.expiresAtMs as number) <= now()) return undefined;
      return {
        id,
        purpose: item.purpose as TokenPurpose,
        tenantId: item.tenantId as string,
        userId: item.userId as string,
        email: item.email as string,
        expiresAt: item.expiresAt as string,
      };
    },
    async revoke(id) {
      await db.delete('tokens', { Key: { pk: id } });
    },
    async consume(token, purpose) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
      const output = await db.delete('tokens', {
        Key: { pk: hashToken(token) },
        // Expired tokens are not consumed (TTL deletion can lag by days).
        ConditionExpression: 'attribute_exists(pk) AND purpose = :purpose AND expiresAtMs > :now',
        ExpressionAttributeValues: { ':purpose': purpose, ':now': now() },
        ReturnValues: 'ALL_OLD',
      });
      const item = output?.Attributes;
      if (!item) return undefined;
      return {
        purpose: item.purpose as TokenPurpose,
        tenantId: item.tenantId as string,
        userId: item.userId as string,
        email: item.email as string,
        expiresAt: item.expiresAt as string,
      };
    },
  };
}
