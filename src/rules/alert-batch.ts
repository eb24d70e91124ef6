/** Grouping of alerts so that many findings at once make one email, not many. */
import type { Alert, CostAlert, FindingAlert } from './alert-decisions.js';

/** All pending alerts of one tenant: one findings email and one cost email at most. */
export interface AlertBatch {
  tenantId: string;
  /** Most severe first, then most recently updated. */
  findings: FindingAlert[];
  /** Oldest day first. */
  costs: CostAlert[];
  /** Every dedup key in the batch, to mark as sent once the email is accepted. */
  keys: string[];
}

/** One batch per tenant, tenants in the order they first appear; an alert repeated by key is kept once. */
export function groupAlerts(alerts: readonly Alert[]): AlertBatch[] {
  const batches = new Map<string, AlertBatch>();
  const seen = new Set<string>();
  for (const alert of alerts) {
    let batch = batches.get(alert.tenantId);
    if (!batch) {
      batch = { tenantId: alert.tenantId, findings: [], costs: [], keys: [] };
      batches.set(alert.tenantId, batch);
    }
    const tenantKey = JSON.stringify([alert.tenantId, alert.key]);
    if (seen.has(tenantKey)) continue;
    seen.add(tenantKey);
    batch.keys.push(alert.key);
    if (alert.kind === 'finding') batch.findings.push(alert);
    else batch.costs.push(alert);
  }
  for (const batch of batches.values()) {
    batch.findings.sort(
      (a, b) => b.finding.severity - a.finding.severity || b.finding.updatedAt.localeCompare(a.finding.updatedAt) || a.key.localeCompare(b.key),
    );
    batch.costs.sort((a, b) => a.day.localeCompare(b.day) || a.key.localeCompare(b.key));
  }
  return [...batches.values()];
}
