/**
 * A tenant's finding suppression rules, kept in the findings table beside the findings they
 * silence (pk = tenant, sk = rule#<id>): one Query reads them all, and an item with an expiry
 * carries a TTL a day past it. Rule items have no `sev`, so the severity index never sees them.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { SuppressionKind, SuppressionRule } from '../domain/suppression.js';
import type { Db, Item } from './db.js';
import { assertId } from './ids.js';

/** Rules per tenant: far more than a team curates by hand, and it bounds every alert decision's read. */
export const MAX_SUPPRESSION_RULES = 200;

const PREFIX = 'rule#';
const DAY_S = 86_400;

/** A new rule as the API accepts it. */
export interface NewSuppressionRule {
  kind: SuppressionKind;
  value: string;
  reason: string;
  expiresAt?: string;
  createdBy?: string;
}

export interface SuppressionRules {
  /** Every rule of the tenant, expired ones included (the UI shows them as expired). */
  list(tenantId: string, signal?: AbortSignal): Promise<SuppressionRule[]>;
  /**
   * Store a rule. Its id derives from kind and value, written only if absent: the same kind and
   * value again (a double click, two tabs) returns the existing rule instead of a second one.
   */
  add(tenantId: string, rule: NewSuppressionRule, signal?: AbortSignal): Promise<{ rule: SuppressionRule; created: boolean }>;
  /** Remove a rule; false when there was none. */
  remove(tenantId: string, ruleId: string, signal?: AbortSignal): Promise<boolean>;
}

/** The id of the rule for (kind, value): the same rule twice is one item. */
export function ruleIdOf(kind: SuppressionKind, value: string): string {
  return createHash('sha256').update(`${kind}\u0000${value}`).digest('base64url').slice(0, 22);
}

function toRule(item: Item): SuppressionRule {
  const rule: SuppressionRule = {
    id: String(item.id),
    kind: item.kind as SuppressionKind,
    value: String(item.value),
    reason: String(item.reason),
    createdAt: String(item.createdAt),
  };
  if (typeof item.createdBy === 'string') rule.createdBy = item.createdBy;
  if (typeof item.expiresAt === 'string') rule.expiresAt = item.expiresAt;
  return rule;
}

/** Create the rules store over the findings table. */
export function createSuppressionRules(deps: { db: Db; now?: () => number }): SuppressionRules {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const list = async (tenantId: string, signal?: AbortSignal) => {
    const rules: SuppressionRule[] = [];
    const items = db.queryAll(
      'findings',
      { KeyConditionExpression: 'pk = :t AND begins_with(sk, :p)', ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':p': PREFIX } },
      signal,
    );
    for await (const item of items) rules.push(toRule(item));
    return rules.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  };
  return {
    list,
    async add(tenantId, input, signal) {
      const id = ruleIdOf(input.kind, input.value);
      const existing = await list(tenantId, signal);
      const same = existing.find((r) => r.id === id);
      if (same) return { rule: same, created: false };
      if (existing.length >= MAX_SUPPRESSION_RULES) {
        throw new AppError('TOO_MANY_RULES', `at most ${MAX_SUPPRESSION_RULES} suppression rules; remove some first`, { status: 409 });
      }
      const rule: SuppressionRule = {
        id,
        kind: input.kind,
        value: input.value,
        reason: input.reason,
        createdAt: new Date(now()).toISOString(),
        ...(input.createdBy ? { createdBy: input.createdBy } : {}),
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      };
      const ttl = rule.expiresAt ? Math.floor(Date.parse(rule.expiresAt) / 1000) + DAY_S : undefined;
      const written = await db.putIf(
        'findings',
        { Item: { pk: tenantId, sk: `${PREFIX}${id}`, ...rule, ...(ttl ? { ttl } : {}) }, ConditionExpression: 'attribute_not_exists(pk)' },
        signal,
      );
      if (written) return { rule, created: true };
      const raced = (await list(tenantId, signal)).find((r) => r.id === id);
      return { rule: raced ?? rule, created: false };
    },
    async remove(tenantId, ruleId, signal) {
      const out = await db.delete('findings', { Key: { pk: assertId('tenant', tenantId), sk: `${PREFIX}${ruleId}` }, ReturnValues: 'ALL_OLD' }, signal);
      return out?.Attributes !== undefined;
    },
  };
}
