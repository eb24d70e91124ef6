/**
 * The per-tenant audit trail: who did what, when, from where. One item per event in the
 * tenant's partition, sorted by time (sk = `<ISO time>#<random>`), read newest first a page at a
 * time, and expired by TTL after the retention (default 365 days). Entries are never updated.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Db, Item } from './db.js';
import { assertId } from './ids.js';

/** Who did it. */
export interface AuditActor {
  kind: 'user' | 'operator' | 'system';
  userId?: string;
  /** The user's email at the time, or the email a failed sign-in gave. */
  email?: string;
  /** The API token the user's script acted with (its id and name at the time), when it did. */
  tokenId?: string;
  tokenName?: string;
}

/** One event. */
export interface AuditEntry {
  id: string;
  at: string;
  /** A dotted name, e.g. `auth.login_failed`, `account.connected`. */
  action: string;
  actor: AuditActor;
  /** What it acted on (an account id, a session id, ...). */
  target?: string;
  ip?: string;
  /** Small, non-secret facts (a changed field's name, a count). */
  detail?: Record<string, string>;
}

/** A new event: `at` and `id` are set by the repository. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditRepository {
  record(tenantId: string, entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first; `before` is the `id` of the last entry of the previous page. */
  list(tenantId: string, options?: { before?: string; limit?: number }, signal?: AbortSignal): Promise<{ items: AuditEntry[]; next?: string }>;
}

export interface AuditRepositoryDeps {
  db: Db;
  now?: () => number;
  /** How long entries are kept (default 365 days). */
  retentionDays?: number;
}

/** Default retention of the audit trail. */
export const AUDIT_RETENTION_DAYS = 365;

const ENTRY_ID = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9_-]{8,24}$/;

function toEntry(item: Item): AuditEntry {
  return {
    id: item.sk as string,
    at: item.at as string,
    action: item.action as string,
    actor: item.actor as AuditActor,
    ...(typeof item.target === 'string' ? { target: item.target } : {}),
    ...(typeof item.ip === 'string' ? { ip: item.ip } : {}),
    ...(item.detail && typeof item.detail === 'object' ? { detail: item.detail as Record<string, string> } : {}),
  };
}

/** Create the audit repository. */
export function createAuditRepository(deps: AuditRepositoryDeps): AuditRepository {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const retentionMs = (deps.retentionDays ?? AUDIT_RETENTION_DAYS) * 86_400_000;
  // Orders this process's entries within one millisecond (the random part keeps instances apart).
  let sequence = 0;
  return {
    async record(tenantId, entry) {
      const atMs = now();
      const at = new Date(atMs).toISOString();
      sequence = (sequence + 1) % 1e10;
      const id = `${at}#${String(sequence).padStart(10, '0')}${randomBytes(6).toString('base64url')}`;
      const item: Item = {
        pk: assertId('tenant', tenantId),
        sk: id,
        at,
        action: entry.action,
        actor: entry.actor,
        ...(entry.target !== undefined ? { target: entry.target } : {}),
        ...(entry.ip !== undefined ? { ip: entry.ip } : {}),
        ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
        ttl: Math.ceil((atMs + retentionMs) / 1000),
      };
      await db.put('audit', { Item: item });
      return toEntry(item);
    },
    async list(tenantId, options = {}, signal) {
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
      if (options.before !== undefined && !ENTRY_ID.test(options.before)) throw new AppError('INVALID_CURSOR', 'not an audit entry id', { status: 400, expose: true });
      const page = await db.query('audit', {
        KeyConditionExpression: options.before ? 'pk = :t AND sk < :before' : 'pk = :t',
        ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ...(options.before ? { ':before': options.before } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }, signal);
      const items = (page.Items ?? []).map(toEntry);
      const last = items.at(-1);
      return { items, ...(page.LastEvaluatedKey && last ? { next: last.id } : {}) };
    },
  };
}
