/** The security collector: GuardDuty findings updated since the account's watermark. */
import { COLLECTOR_TICK_MS } from './cadences.js';
import type { CollectorDescriptor } from './descriptor.js';
import { NO_DETECTOR } from '../domain/run-steps.js';
import { PROBE_WINDOW_MS, type ProbeSkip } from './operation-probe.js';
import { createSecurityJob } from './security-job.js';

/** ListFindings and GetFindings need the region's detector. */
function needsDetector(earlier: ReadonlyMap<string, unknown>): ProbeSkip | undefined {
  const detectors = earlier.get('ListDetectors') as string[] | undefined;
  if (!detectors) return { result: 'not_checked', note: 'ListDetectors failed' };
  return detectors.length === 0 ? { result: 'not_checked', note: 'GuardDuty is not enabled in this region' } : undefined;
}
const detectorOf = (earlier: ReadonlyMap<string, unknown>) => (earlier.get('ListDetectors') as string[])[0]!;

export const SECURITY_COLLECTOR: CollectorDescriptor<'security'> = {
  kind: 'security',
  label: 'Security',
  summary: 'GuardDuty findings in every monitored region',
  job: (options) => createSecurityJob(options.security),
  services: { guardduty: { concurrency: 4 } },
  operations: [
    { service: 'guardduty', operation: 'ListDetectors', action: 'guardduty:ListDetectors', regional: true, billing: 'free', purpose: 'finding GuardDuty in each region',
      probe: {
        run: (c) => c.aws.guardDuty.listDetectors(c.target, c.region!, c.signal),
        judge: (ids) => ((ids as string[]).length === 0 ? { result: 'feature_not_enabled', code: NO_DETECTOR } : undefined),
      } },
    { service: 'guardduty', operation: 'ListFindings', action: 'guardduty:ListFindings', regional: true, billing: 'free', purpose: 'security findings',
      probe: { skip: needsDetector, run: (c) => c.aws.guardDuty.listFindingIds(c.target, c.region!, detectorOf(c.earlier), new Date(c.now - PROBE_WINDOW_MS), c.signal) } },
    { service: 'guardduty', operation: 'GetFindings', action: 'guardduty:GetFindings', regional: true, billing: 'free', purpose: 'security finding details',
      probe: {
        skip: (earlier) => {
          const ids = earlier.get('ListFindings') as string[] | undefined;
          return needsDetector(earlier) ?? (ids && ids.length > 0 ? undefined : { result: 'not_checked', note: ids ? 'no recent finding to read; the next collection will tell' : 'ListFindings failed' });
        },
        run: (c) => c.aws.guardDuty.getFindings(c.target, c.region!, detectorOf(c.earlier), (c.earlier.get('ListFindings') as string[]).slice(0, 1), c.signal),
      } },
  ],
  cadence: { productionMs: COLLECTOR_TICK_MS.security, demoMs: 60_000, env: 'SECURITY_INTERVAL' },
  stores: 'GuardDuty findings (one item per finding, replaced when it is updated)',
  retentionDays: 90,
  alerts: true,
};
