/** The Security Hub collector: compliance scores per standard, failed controls, and findings. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import { createComplianceJob } from './compliance-job.js';

export const COMPLIANCE_COLLECTOR: CollectorDescriptor<'compliance'> = {
  kind: 'compliance',
  label: 'Security Hub',
  summary: 'Security Hub standards (CIS, AWS Foundational Security Best Practices): compliance scores, failed controls and findings',
  job: () => createComplianceJob(),
  // GetFindings: 3 requests/s, burst 6 per account and region (AWS-FACTS.md "Rate limits").
  services: { securityhub: { concurrency: 2 } },
  operations: [
    { service: 'securityhub', operation: 'GetEnabledStandards', action: 'securityhub:GetEnabledStandards', regional: true, billing: 'free', purpose: 'the enabled standards (CIS, AWS Foundational Security Best Practices)' },
    { service: 'securityhub', operation: 'DescribeStandardsControls', action: 'securityhub:DescribeStandardsControls', regional: true, billing: 'free', purpose: 'each standard\'s controls (the compliance score)' },
    { service: 'securityhub', operation: 'GetFindings', action: 'securityhub:GetFindings', regional: true, billing: 'free', purpose: 'failed controls and Security Hub findings' },
  ],
  // Security Hub re-runs most periodic checks every 12 or 24 hours; an hour keeps scores current.
  cadence: { productionMs: COLLECTOR_TICK_MS.compliance, demoMs: 60_000, env: 'COMPLIANCE_INTERVAL' },
  stores: 'per region and standard its score and failed controls (replaced by each run), and Security Hub findings with the others',
  retentionDays: 90,
  alerts: false,
};
