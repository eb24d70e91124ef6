/** Reading collector run statuses (see `RunStatus` in sink.ts): facts derived from their steps. */
import type { RunStatus } from './sink.js';

/** The code of a ListDetectors step that found no GuardDuty detector in its region. */
export const NO_DETECTOR = 'NoDetector';

/** Regions where the security collector found GuardDuty not enabled (no detector). */
export function regionsWithoutDetector(status: RunStatus | undefined): string[] {
  if (!status) return [];
  return status.steps.filter((s) => s.operation === 'ListDetectors' && s.error?.code === NO_DETECTOR && s.region).map((s) => s.region!);
}

/**
 * The operations AWS bills (AWS-FACTS.md): their steps' last successes decide when the next paid
 * call is due, so they are persisted at once; the free steps' times only inform the dashboard.
 */
export const BILLED_OPERATIONS: ReadonlySet<string> = new Set(['GetMetricData', 'GetCostAndUsage', 'GetCostForecast', 'GetAnomalies', 'GetRightsizingRecommendation']);

/**
 * What of a run status must be persisted at once: its steps, errors and the billed steps' last
 * successes; not the times every run moves (run times, free steps' attempts and successes, an
 * error's latest attempt). Two statuses with the same essence differ only in such times.
 */
export function runStatusEssence(status: RunStatus): unknown {
  return {
    accountRevision: status.accountRevision,
    everCollected: status.lastDataAt !== undefined,
    steps: status.steps.map((s) => ({
      step: s.step,
      ...(BILLED_OPERATIONS.has(s.operation) ? { lastSuccessAt: s.lastSuccessAt } : { succeeded: s.lastSuccessAt !== undefined }),
      ...(s.error ? { error: { ...s.error, at: undefined } } : {}),
    })),
  };
}
