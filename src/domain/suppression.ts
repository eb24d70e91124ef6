/**
 * Suppression rules: a tenant's decision that some findings are known and accepted (a honeypot
 * instance, a public-by-design bucket, a sandbox account). A suppressed finding stays stored and
 * visible under "Suppressed", but never alerts and is not counted as open. A rule may expire, so
 * an acceptance is revisited rather than forgotten.
 */

/** What a rule matches: a GuardDuty finding type, a resource id, or a whole connected account. */
export type SuppressionKind = 'type' | 'resource' | 'account';

export const SUPPRESSION_KINDS: readonly SuppressionKind[] = ['type', 'resource', 'account'];

/** One rule, as stored. */
export interface SuppressionRule {
  id: string;
  kind: SuppressionKind;
  /** The finding type, the resource id or the account id (exact match). */
  value: string;
  /** Why the tenant accepts these findings (shown beside them). */
  reason: string;
  createdAt: string;
  /** The user who made it. */
  createdBy?: string;
  /** ISO time after which the rule no longer applies; absent = until removed. */
  expiresAt?: string;
}

/** Whether a rule still applies at `now` (ms). */
export function ruleActive(rule: SuppressionRule, now: number): boolean {
  return rule.expiresAt === undefined || Date.parse(rule.expiresAt) > now;
}

/** The first active rule that suppresses a finding of `accountId`, if any. */
export function suppressionOf(
  rules: readonly SuppressionRule[],
  accountId: string,
  finding: { type: string; resourceId?: string },
  now: number,
): SuppressionRule | undefined {
  return rules.find((rule) => {
    if (!ruleActive(rule, now)) return false;
    switch (rule.kind) {
      case 'type':
        return rule.value === finding.type;
      case 'resource':
        return finding.resourceId !== undefined && rule.value === finding.resourceId;
      case 'account':
        return rule.value === accountId;
      default:
        return assertNever(rule.kind);
    }
  });
}

function assertNever(value: never): never {
  throw new Error(`unknown suppression kind ${String(value)}`);
}
