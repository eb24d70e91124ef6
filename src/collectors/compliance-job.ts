/**
 * The Security Hub collector: per region, the enabled standards and their controls, the failed
 * controls (active control findings with compliance status FAILED) giving each standard a score
 * (passed / enabled controls), and the findings updated since the account's watermark. GuardDuty's
 * findings (ProductName GuardDuty) are left out, the security collector stores them already; so
 * are control findings, shown as failed controls. Security Hub not enabled in a region
 * (InvalidAccessException) is a `feature` step: a setup step, as GuardDuty's missing detector.
 */
import { AwsCallError } from '../domain/errors.js';
import type { AccountTarget, ControlFailure, StandardControl } from '../domain/gateway.js';
import type { ComplianceStandard, Finding } from '../domain/records.js';
import { forEachAccount, type CollectorJob } from './collect-context.js';

export interface ComplianceJobOptions {
  /** How far before the last run's start the next run looks, for findings updated late. Default 10 min. */
  overlapMs?: number;
}

/** Failed controls kept per standard, most severe first. */
const MAX_FAILED = 200;
const SEVERITY_RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFORMATIONAL: 4 };

/** A readable name from a standards ARN: `.../standards/aws-foundational-security-best-practices/v/1.0.0`. */
export function standardName(standardsArn: string): string {
  const match = /standards\/([^/]+)\/v\/([^/]+)$/.exec(standardsArn) ?? /ruleset\/([^/]+)\/v\/([^/]+)$/.exec(standardsArn);
  if (!match) return standardsArn;
  const known: Record<string, string> = {
    'aws-foundational-security-best-practices': 'AWS Foundational Security Best Practices',
    'cis-aws-foundations-benchmark': 'CIS AWS Foundations Benchmark',
    'pci-dss': 'PCI DSS',
    'nist-800-53': 'NIST SP 800-53',
    'aws-resource-tagging-standard': 'AWS Resource Tagging Standard',
  };
  return `${known[match[1]!] ?? match[1]!} v${match[2]!}`;
}

/** True when a failure belongs to the standard (a failure naming no standard counts for every standard holding the control). */
function inStandard(failure: ControlFailure, standardsArn: string): boolean {
  if (failure.standards.length === 0) return true;
  return failure.standards.some((id) => standardsArn === id || standardsArn.endsWith(`:${id}`) || standardsArn.endsWith(`/${id}`) || id.endsWith(standardsArn));
}

/** A standard's score from its controls and the region's failed controls. */
export function scoreStandard(region: string, standardsArn: string, controls: StandardControl[], failures: ControlFailure[]): ComplianceStandard {
  const enabled = controls.filter((c) => c.enabled);
  const failing = new Map(failures.filter((f) => inStandard(f, standardsArn)).map((f) => [f.controlId, f]));
  const failed = enabled
    .filter((c) => failing.has(c.controlId))
    .map((c) => ({ controlId: c.controlId, title: c.title, severity: c.severity, ...(c.remediationUrl ? { remediationUrl: c.remediationUrl } : {}), resources: failing.get(c.controlId)!.resources }))
    .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 5) - (SEVERITY_RANK[b.severity] ?? 5) || a.controlId.localeCompare(b.controlId, 'en', { numeric: true }));
  return { region, standardsArn, name: standardName(standardsArn), totalControls: enabled.length, passedControls: enabled.length - failed.length, failedControls: failed.slice(0, MAX_FAILED) };
}

/** Build the Security Hub job. */
export function createComplianceJob(options: ComplianceJobOptions = {}): CollectorJob {
  const overlapMs = options.overlapMs ?? 10 * 60_000;
  return (ctx) =>
    forEachAccount(ctx, async (run) => {
      const target: AccountTarget = run.account;
      const hub = ctx.aws.securityHub;
      const mark = await ctx.sink.getWatermark(ctx.tenantId, run.account.id, 'compliance');
      const since = mark ? new Date(mark) : undefined;
      const standards: ComplianceStandard[] = [];
      const standardRegions: string[] = [];
      const findings: Finding[] = [];
      let complete = true;

      for (const region of run.account.regions) {
        const enabled = await run.step('GetEnabledStandards', region, () => ctx.call('securityhub', (signal) => hub.getEnabledStandards(target, region, signal)));
        if (enabled === undefined) {
          // Not enabled in the region is a steady state (a setup step), not something to catch up on.
          const error = run.steps.at(-1)?.error;
          if (error instanceof AwsCallError && error.kind === 'feature') standardRegions.push(region); // its stored scores go
          else complete = false;
          continue;
        }
        const controls = await run.step('DescribeStandardsControls', region, async () => {
          const out = new Map<string, StandardControl[]>();
          for (const standard of enabled) {
            out.set(standard.standardsArn, await ctx.call('securityhub', (signal) => hub.describeStandardsControls(target, region, standard.subscriptionArn, signal)));
          }
          return out;
        });
        // Both GetFindings queries are one step: the watermark needs the findings, a score the failures.
        const read = await run.step('GetFindings', region, async () => ({
          updated: await ctx.call('securityhub', (signal) => hub.getFindings(target, region, since, signal)),
          failures: enabled.length === 0 ? [] : await ctx.call('securityhub', (signal) => hub.getFailedControls(target, region, signal)),
        }));
        if (read === undefined) complete = false;
        else {
          for (const { productName, controlId, ...finding } of read.updated) {
            // GuardDuty's findings come from the security collector; control checks are the failed controls.
            if (productName === 'GuardDuty' || controlId !== undefined) continue;
            findings.push(finding);
          }
        }
        if (controls !== undefined && read !== undefined) {
          standardRegions.push(region);
          for (const standard of enabled) standards.push(scoreStandard(region, standard.standardsArn, controls.get(standard.standardsArn) ?? [], read.failures));
        }
      }

      if (standardRegions.length > 0 || findings.length > 0) {
        await ctx.sink.write(
          { kind: 'compliance', tenantId: ctx.tenantId, accountId: run.account.id, collectedAt: new Date(ctx.now).toISOString(), standards, standardRegions, findings },
          ctx.signal,
        );
        run.stored = true;
      }
      if (complete) await ctx.sink.setWatermark(ctx.tenantId, run.account.id, 'compliance', new Date(ctx.now - overlapMs).toISOString());
    });
}
