/**
 * The security collector: GuardDuty findings updated since the account's watermark, in every
 * monitored region. The watermark moves only when every region was read, so a failed region is
 * read again next time; re-reading is harmless because writes are idempotent.
 */
import type { Finding } from '../domain/records.js';
import type { AccountTarget } from '../domain/gateway.js';
import { AwsCallError } from '../domain/errors.js';
import { NO_DETECTOR } from '../domain/run-steps.js';
import { forEachAccount, type CollectorJob } from './collect-context.js';

export interface SecurityJobOptions {
  /** How far before the last run's start the next run looks, for findings updated late. Default 10 min. */
  overlapMs?: number;
}

/**
 * Build the security job. Per region, ListDetectors and each detector's ListFindings/GetFindings
 * are steps; a region without a detector is GuardDuty not enabled there (a setup step, recorded
 * as a `feature` failure of ListDetectors, not an error). The watermark moves only when every
 * region was read, so a failed region is read again next time; re-reading is harmless because
 * writes are idempotent.
 */
export function createSecurityJob(options: SecurityJobOptions = {}): CollectorJob {
  const overlapMs = options.overlapMs ?? 10 * 60_000;
  return (ctx) =>
    forEachAccount(ctx, async (run) => {
      const target: AccountTarget = run.account;
      const gd = ctx.aws.guardDuty;
      const mark = await ctx.sink.getWatermark(ctx.tenantId, run.account.id, 'security');
      const since = mark ? new Date(mark) : undefined;
      const findings: Finding[] = [];
      let complete = true;
      let readAny = false;

      for (const region of run.account.regions) {
        const detectors = await run.step('ListDetectors', region, async () => {
          const ids = await ctx.call('guardduty', (signal) => gd.listDetectors(target, region, signal));
          if (ids.length === 0) {
            throw new AwsCallError('feature', 'guardduty', NO_DETECTOR, `guardduty has no detector in ${region}`, undefined, {
              operation: 'ListDetectors',
              region,
            });
          }
          return ids;
        });
        if (!detectors) {
          // No detector is a steady state, not a failure to catch up on later.
          const last = run.steps.at(-1)?.error;
          if (!(last instanceof AwsCallError && last.awsCode === NO_DETECTOR)) complete = false;
          continue;
        }
        for (const detectorId of detectors) {
          const ids = await run.step('ListFindings', region, () => ctx.call('guardduty', (signal) => gd.listFindingIds(target, region, detectorId, since, signal)));
          if (ids === undefined) {
            complete = false;
            continue;
          }
          readAny = true;
          if (ids.length === 0) continue;
          const got = await run.step('GetFindings', region, () => ctx.call('guardduty', (signal) => gd.getFindings(target, region, detectorId, ids, signal)));
          if (got === undefined) complete = false;
          else findings.push(...got);
        }
      }

      if (!readAny && findings.length === 0) {
        // Nothing was read (every region failed or has no detector): nothing to store.
        if (complete) await ctx.sink.setWatermark(ctx.tenantId, run.account.id, 'security', new Date(ctx.now - overlapMs).toISOString());
        return;
      }
      await ctx.sink.write(
        { kind: 'security', tenantId: ctx.tenantId, accountId: run.account.id, collectedAt: new Date(ctx.now).toISOString(), findings },
        ctx.signal,
      );
      run.stored = true;
      if (complete) await ctx.sink.setWatermark(ctx.tenantId, run.account.id, 'security', new Date(ctx.now - overlapMs).toISOString());
    });
}
