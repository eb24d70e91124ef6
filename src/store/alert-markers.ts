/**
 * Alert markers (pk = tenant): "insert if absent" with a conditional put, so an alert email is
 * sent once even when a collector runs twice, an instance restarts or another takes the tenant
 * over. A finding's marker key includes its severity band, so a finding whose severity rises
 * into a new band alerts again.
 */
import { severityBand } from '../domain/records.js';
import type { Db } from './db.js';
import { assertId, RETENTION_DAYS, ttlAfter } from './ids.js';

export interface AlertMarkers {
  /**
   * True for the first caller for this finding at this severity band; false after. With `owner`,
   * also true again for the same owner (a retry after a crash can tell its own claim from another's).
   */
  claimFindingAlert(tenantId: string, finding: { accountId: string; findingId: string; severity: number }, owner?: string): Promise<boolean>;
  /** True for the first claim of `key` (e.g. `digest#2025-06-01#<user>`), which is kept `ttlMs`; `owner` as above. */
  claim(tenantId: string, key: string, ttlMs: number, owner?: string): Promise<boolean>;
  /** Drop a claim (e.g. the email could not be sent and should be tried again). */
  release(tenantId: string, key: string): Promise<void>;
}

/** The marker key of a finding alert. */
export function findingAlertKey(finding: { accountId: string; findingId: string; severity: number }): string {
  return `finding#${finding.accountId}#${finding.findingId}#${severityBand(finding.severity)}`;
}

/** Create the alert marker repository. */
export function createAlertMarkers(deps: { db: Db; now?: () => number }): AlertMarkers {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const claim = (tenantId: string, key: string, ttl: number, owner: string | undefined) =>
    db.putIf('alerts', {
      Item: { pk: assertId('tenant', tenantId), sk: key, claimedAt: new Date(now()).toISOString(), ttl, ...(owner === undefined ? {} : { owner }) },
      ...(owner === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': owner } }),
    });
  return {
    claimFindingAlert(tenantId, finding, owner) {
      assertId('account', finding.accountId);
      // Kept a week past the finding's own retention, so a finding can never alert twice.
      return claim(tenantId, findingAlertKey(finding), ttlAfter(now(), RETENTION_DAYS.findings + 7), owner);
    },
    claim(tenantId, key, ttlMs, owner) {
      return claim(tenantId, key, Math.ceil((now() + ttlMs) / 1000), owner);
    },
    async release(tenantId, key) {
      await db.delete('alerts', { Key: { pk: assertId('tenant', tenantId), sk: key } });
    },
  };
}
