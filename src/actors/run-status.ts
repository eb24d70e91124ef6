/**
 * A collector run's outcome for one account, merged into the status its earlier runs left: per
 * step the last attempt, the last success and the latest error. Pure: the collector worker stores
 * the result, the dashboard reads it ("never collected yet" until the first data).
 */
import type { AccountOutcome } from '../collectors/index.js';
import { AwsCallError } from '../domain/errors.js';
import type { RunStatus, StepError, StepRecord } from '../domain/sink.js';
import type { Account, CollectorKind } from '../domain/tenant.js';
import { describeFailure } from './failure.js';

/** The pseudo-step of a failure outside any AWS step (the store refused the write, a bug). */
export const RUN_STEP = 'Run';

/**
 * True for a failure that is a steady state of the account rather than something that went
 * wrong: a feature not enabled (a setup step) or data not there yet (a new account's forecast).
 */
export function isSetupState(error: unknown): boolean {
  return error instanceof AwsCallError && (error.kind === 'feature' || error.kind === 'no_data');
}

/** The stored, secret-free form of a failure. */
export function stepError(error: unknown, at: number): StepError {
  const info = describeFailure(error, at);
  return {
    kind: info.kind,
    code: info.code,
    ...(info.action ? { action: info.action } : {}),
    message: info.message,
    at: new Date(at).toISOString(),
  };
}

/**
 * Step ids, operations and regions are a small set (operations x regions), but each run builds
 * them afresh (`${operation}@${region}`, as concatenated or sliced strings), and every status kept
 * holds its own copies: ~0.3 KB a tenant (issue 14). The statuses keep one shared copy instead.
 */
const sharedStrings = new Map<string, string>();
/** Past this many distinct strings (never reached by real step ids) new ones are kept as given. */
const MAX_SHARED_STRINGS = 10_000;

function shared(value: string): string {
  const known = sharedStrings.get(value);
  if (known !== undefined) return known;
  if (sharedStrings.size >= MAX_SHARED_STRINGS) return value;
  // A copy of its own: `value` may be a concatenation, or a slice that keeps a longer string alive.
  const flat = Buffer.from(value, 'utf8').toString('utf8');
  sharedStrings.set(flat, flat);
  return flat;
}

export interface RunOfAccount {
  tenantId: string;
  account: Pick<Account, 'id' | 'revision' | 'regions'>;
  collector: CollectorKind;
  outcome: AccountOutcome;
  /** When the run started. */
  now: number;
}

/** Merge a run into the previous status (a changed account revision starts afresh). */
export function mergeRunStatus(previous: RunStatus | undefined, run: RunOfAccount): RunStatus {
  const { account, outcome, now } = run;
  const at = new Date(now).toISOString();
  const carried = previous && previous.accountRevision === account.revision ? previous : undefined;
  const regions = new Set(account.regions);
  const steps = new Map<string, StepRecord>();
  for (const step of carried?.steps ?? []) {
    // A region removed from the account takes its steps' records with it.
    if (step.region !== undefined && !regions.has(step.region)) continue;
    if (step.step === RUN_STEP) continue;
    steps.set(step.step, step);
  }
  let failed = false;
  for (const step of outcome.steps) {
    const record: StepRecord = { step: shared(step.step), operation: shared(step.operation), ...(step.region ? { region: shared(step.region) } : {}), lastAttemptAt: at };
    const before = steps.get(step.step);
    if (step.error === undefined) {
      record.lastSuccessAt = at;
    } else {
      if (before?.lastSuccessAt) record.lastSuccessAt = before.lastSuccessAt;
      const error = stepError(step.error, now);
      // The same failure as last time continues its episode (alerts are keyed on when it began).
      const continued = before?.error && before.error.kind === error.kind && before.error.code === error.code && before.error.action === error.action;
      error.since = continued ? (before.error!.since ?? before.error!.at) : error.at;
      record.error = error;
      if (!isSetupState(step.error)) failed = true;
    }
    steps.set(step.step, record);
  }
  // A failure no step carries (the store refused the write, a bug between steps).
  if (outcome.error !== undefined && !outcome.steps.some((s) => s.error === outcome.error)) {
    steps.set(RUN_STEP, { step: RUN_STEP, operation: RUN_STEP, lastAttemptAt: at, error: stepError(outcome.error, now) });
    failed = true;
  }
  if (outcome.error !== undefined) failed = true;
  const lastDataAt = outcome.stored ? at : previous?.lastDataAt;
  const lastSuccessAt = failed ? carried?.lastSuccessAt : at;
  return {
    tenantId: run.tenantId,
    accountId: account.id,
    collector: run.collector,
    accountRevision: account.revision,
    lastRunAt: at,
    ...(lastDataAt ? { lastDataAt } : {}),
    ...(lastSuccessAt ? { lastSuccessAt } : {}),
    steps: [...steps.values()],
  };
}
