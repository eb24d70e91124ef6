/**
 * API tokens for scripts: `cht_<random>` shown once, stored only as its SHA-256 (tokens table,
 * pk = hash, no expiry), with an index item in the tenant's partition of the users table
 * (sk = `apitoken#<id>`) for the list. A token has a scope (read or admin), records when it was
 * last used (at most once a minute, so a busy script does not write on every call), and is
 * revoked by deleting both items.
 */
import { randomBytes } from 'node:crypto';
import type { Db, Item } from './db.js';
import { hashToken } from './crypto/tokens.js';
import { assertId, newId } from './ids.js';

/** What a token may do: read (GET only, as a viewer) or admin. */
export type ApiTokenScope = 'read' | 'admin';

/** A token without its secret. */
export interface ApiTokenRecord {
  id: string;
  tenantId: string;
  /** Who created it; the token acts as them, capped at its scope. */
  userId: string;
  name: string;
  scope: ApiTokenScope;
  createdAt: string;
  lastUsedAt?: string;
}

export interface ApiTokenRepository {
  /** A new token; the returned secret is shown once and never stored. */
  create(input: { tenantId: string; userId: string; name: string; scope: ApiTokenScope }): Promise<{ token: string; record: ApiTokenRecord }>;
  /** The live token's record (and its last use noted), or undefined. */
  authenticate(token: string): Promise<ApiTokenRecord | undefined>;
  list(tenantId: string): Promise<ApiTokenRecord[]>;
  /** False when there was no such token in the tenant. */
  revoke(tenantId: string, id: string): Promise<boolean>;
}

/** The prefix of every API token (so secret scanners and people recognise one). */
export const API_TOKEN_PREFIX = 'cht_';

const indexKey = (tenantId: string, id: string) => ({ pk: assertId('tenant', tenantId), sk: `apitoken#${id}` });

function toRecord(item: Item): ApiTokenRecord {
  return {
    id: item.tokenId as string,
    tenantId: item.tenantId as string,
    userId: item.userId as string,
    name: item.name as string,
    scope: item.scope as ApiTokenScope,
    createdAt: item.createdAt as string,
    ...(typeof item.lastUsedAt === 'string' ? { lastUsedAt: item.lastUsedAt } : {}),
  };
}

/** Create the API token repository. */
export function createApiTokenRepository(deps: { db: Db; now?: () => number }): ApiTokenRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  return {
    async create(input) {
      const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const id = newId('k');
      const pk = hashToken(token);
      const record: ApiTokenRecord = { id, tenantId: assertId('tenant', input.tenantId), userId: assertId('user', input.userId), name: input.name, scope: input.scope, createdAt: new Date(now()).toISOString() };
      const { id: tokenId, ...rest } = record;
      await db.put('tokens', { Item: { pk, purpose: 'api_token', tokenId, ...rest } });
      await db.put('users', { Item: { ...indexKey(record.tenantId, id), tokenPk: pk, tokenId, ...rest } });
      return { token, record };
    },
    async authenticate(token) {
      if (typeof token !== 'string' || !token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return undefined;
      const pk = hashToken(token);
      const item = await db.get('tokens', { Key: { pk }, ConsistentRead: true });
      if (!item || item.purpose !== 'api_token') return undefined;
      const record = toRecord(item);
      const at = now();
      if (record.lastUsedAt === undefined || Date.parse(record.lastUsedAt) < at - 60_000) {
        const lastUsedAt = new Date(at).toISOString();
        await db.update('tokens', { Key: { pk }, UpdateExpression: 'SET lastUsedAt = :at', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':at': lastUsedAt } });
        await db.update('users', { Key: indexKey(record.tenantId, record.id), UpdateExpression: 'SET lastUsedAt = :at', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':at': lastUsedAt } });
        record.lastUsedAt = lastUsedAt;
      }
      return record;
    },
    async list(tenantId) {
      const records: ApiTokenRecord[] = [];
      for await (const item of db.queryAll('users', {
        KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': 'apitoken#' },
        ConsistentRead: true,
      })) {
        records.push(toRecord({ ...item, tenantId }));
      }
      return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    },
    async revoke(tenantId, id) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return false;
      const output = await db.delete('users', { Key: indexKey(tenantId, id), ReturnValues: 'ALL_OLD' });
      const old = output?.Attributes;
      if (!old) return false;
      await db.delete('tokens', { Key: { pk: old.tokenPk as string } });
      return true;
    },
  };
}
