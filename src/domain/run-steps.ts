/** Reading collector run statuses (see `RunStatus` in sink.ts): facts derived from their steps. */
import type { RunStatus } from './sink.js';

/** The code of a ListDetectors step that found no GuardDuty detector in its region. */
export const NO_DETECTOR = 'NoDetector';

/** Regions where the security collector found GuardDuty not enabled (no detector). */
export function regionsWithoutDetector(status: RunStatus | undefined): string[] {
  if (!status) return [];
  return status.steps.filter((s) => s.operation === 'ListDetectors' && s.error?.code === NO_DETECTOR && s.region).map((s) => s.region!);
}
