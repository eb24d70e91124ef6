/**
 * The security collector: GuardDuty findings updated since the account's watermark, in every
 * monitored region. The watermark moves only when every region was read, so a failed region is
 * read again next time; re-reading is harmless because writes are idempotent.
 */
import type { Finding } from '../domain/records.js';
import type { AccountTarget } from '../domain/gateway.js';
import { AwsCallError } from '../domain/errors.js';
import { forEachAccount, type CollectorJob } from './collect-context.js';

export interface SecurityJobOptions {
  /** How far before the last run's start the next run looks, for findings updated late. Default 10 min. */
  overlapMs?: number;
}

/** Build the security job. */
export function createSecurityJob(options: SecurityJobOptions = {}): CollectorJob {
  const overlapMs = options.overlapMs ?? 10 * 60_000;
  return (ctx) =>
    forEachAccount(ctx, async (account) => {
      const target: AccountTarget = account;
      const gd = ctx.aws.guardDuty;
      const mark = await ctx.sink.getWatermark(ctx.tenantId, account.id, 'security');
      const since = mark ? new Date(mark) : undefined;
      const findings: Finding[] = [];
      const regionsWithoutDetector: string[] = [];
      let firstFailure: AwsCallError | undefined;

      for (const region of account.regions) {
        try {
          const detectors = await ctx.call('guardduty', (signal) => gd.listDetectors(target, region, signal));
          if (detectors.length === 0) regionsWithoutDetector.push(region);
          for (const detectorId of detectors) {
            const ids = await ctx.call('guardduty', (signal) => gd.listFindingIds(target, region, detectorId, since, signal));
            if (ids.length > 0) {
              findings.push(...(await ctx.call('guardduty', (signal) => gd.getFindings(target, region, detectorId, ids, signal))));
            }
          }
        } catch (error) {
          if (!(error instanceof AwsCallError) || error.kind === 'credentials') throw error;
          firstFailure ??= error;
        }
      }

      await ctx.sink.write(
        { kind: 'security', tenantId: ctx.tenantId, accountId: account.id, collectedAt: new Date(ctx.now).toISOString(), findings, regionsWithoutDetector },
        ctx.signal,
      );
      if (firstFailure) throw firstFailure;
      await ctx.sink.setWatermark(ctx.tenantId, account.id, 'security', new Date(ctx.now - overlapMs).toISOString());
    });
}
