/** The Security Hub collector: compliance scores per standard, failed controls, and findings. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import type { EnabledStandard } from '../domain/gateway.js';
import { createComplianceJob } from './compliance-job.js';
import { PROBE_WINDOW_MS, type ProbeSkip } from './operation-probe.js';

/** The later probes of a region whose GetEnabledStandards failed (Security Hub off there, or denied) say so once. */
function needsStandards(earlier: ReadonlyMap<string, unknown>): ProbeSkip | undefined {
  return earlier.has('GetEnabledStandards') ? undefined : { result: 'not_checked', note: 'GetEnabledStandards failed' };
}

export const COMPLIANCE_COLLECTOR: CollectorDescriptor<'compliance'> = {
  kind: 'compliance',
  label: 'Security Hub',
  summary: 'Security Hub standards (CIS, AWS Foundational Security Best Practices): compliance scores, failed controls and findings',
  job: () => createComplianceJob(),
  // GetFindings: 3 requests/s, burst 6 per account and region (AWS-FACTS.md "Rate limits").
  services: { securityhub: { concurrency: 2 } },
  operations: [
    { service: 'securityhub', operation: 'GetEnabledStandards', action: 'securityhub:GetEnabledStandards', regional: true, billing: 'free', purpose: 'the enabled standards (CIS, AWS Foundational Security Best Practices)',
      probe: { run: (c) => c.aws.securityHub.getEnabledStandards(c.target, c.region!, c.signal) } },
    { service: 'securityhub', operation: 'DescribeStandardsControls', action: 'securityhub:DescribeStandardsControls', regional: true, billing: 'free', purpose: 'each standard\'s controls (the compliance score)',
      probe: {
        skip: (earlier) => needsStandards(earlier) ?? ((earlier.get('GetEnabledStandards') as EnabledStandard[]).length === 0 ? { result: 'not_checked', note: 'no standard is enabled in this region' } : undefined),
        run: (c) => c.aws.securityHub.describeStandardsControls(c.target, c.region!, (c.earlier.get('GetEnabledStandards') as EnabledStandard[])[0]!.subscriptionArn, c.signal),
      } },
    { service: 'securityhub', operation: 'GetFindings', action: 'securityhub:GetFindings', regional: true, billing: 'free', purpose: 'failed controls and Security Hub findings',
      probe: { skip: needsStandards, run: (c) => c.aws.securityHub.getFindings(c.target, c.region!, new Date(c.now - PROBE_WINDOW_MS), c.signal) } },
  ],
  // Security Hub re-runs most periodic checks every 12 or 24 hours; an hour keeps scores current.
  cadence: { productionMs: COLLECTOR_TICK_MS.compliance, demoMs: 60_000, env: 'COMPLIANCE_INTERVAL' },
  stores: 'per region and standard its score and failed controls (replaced by each run), and Security Hub findings with the others',
  retentionDays: 90,
  alerts: false,
};
