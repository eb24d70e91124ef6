/** The security collector: GuardDuty findings updated since the account's watermark. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import { createSecurityJob } from './security-job.js';

export const SECURITY_COLLECTOR: CollectorDescriptor<'security'> = {
  kind: 'security',
  label: 'Security',
  summary: 'GuardDuty findings in every monitored region',
  job: (options) => createSecurityJob(options.security),
  services: { guardduty: { concurrency: 4 } },
  operations: [
    { service: 'guardduty', operation: 'ListDetectors', action: 'guardduty:ListDetectors', regional: true, billing: 'free', purpose: 'finding GuardDuty in each region' },
    { service: 'guardduty', operation: 'ListFindings', action: 'guardduty:ListFindings', regional: true, billing: 'free', purpose: 'security findings' },
    { service: 'guardduty', operation: 'GetFindings', action: 'guardduty:GetFindings', regional: true, billing: 'free', purpose: 'security finding details' },
  ],
  cadence: { productionMs: COLLECTOR_TICK_MS.security, demoMs: 60_000, env: 'SECURITY_INTERVAL' },
  stores: 'GuardDuty findings (one item per finding, replaced when it is updated)',
  retentionDays: 90,
  alerts: true,
};
