/**
 * Access problems of an account, read from a collector's run status, and the transitions that
 * email its owners: AWS refused the identity, or an operation's IAM action is missing; and later,
 * that it works again. Each transition has a key derived from stored data only (when the failure
 * began, the account revision), so recomputing it after a crash or on another instance yields the
 * same key, and the outbox's markers send it once.
 */
import type { RunStatus } from '../domain/sink.js';

/** One access problem of an account. */
export interface AccessProblem {
  /** Stable for the problem's whole episode. */
  id: string;
  accountId: string;
  collector: RunStatus['collector'];
  kind: 'identity' | 'permission';
  /** The missing IAM action (permission). */
  action?: string;
  /** The regions where it was seen (regional operations). */
  regions: string[];
  /** When it began. */
  since: string;
  /**
   * What names the episode in the alert's key, from stored data only: for a permission, the last
   * success of its steps before it (or the account revision when they never succeeded). Not the
   * time it was first seen: two instances that both run a tenant while its lease moves see it
   * first at different times and would each send it.
   */
  episode: string;
}

/** A transition to tell the account's owners about. */
export interface AccessChange {
  /** The alert's dedup key: `access:<account>:<problem>:<episode>[:recovered]`. */
  key: string;
  state: 'broken' | 'recovered';
  problem: AccessProblem;
}

/** The access problems a run status shows. */
export function accessProblems(status: RunStatus | undefined): AccessProblem[] {
  if (!status) return [];
  const problems = new Map<string, AccessProblem>();
  for (const step of status.steps) {
    const error = step.error;
    if (!error || (error.kind !== 'identity' && error.kind !== 'permission')) continue;
    const since = error.since ?? error.at;
    const after = step.lastSuccessAt;
    // An identity episode is the account revision it was refused at: every collector that meets
    // it names it the same, and an update (a new revision) starts a new one.
    const id = error.kind === 'identity' ? `identity:r${status.accountRevision}` : `permission:${error.action ?? step.operation}`;
    const known = problems.get(id);
    if (known) {
      if (step.region && !known.regions.includes(step.region)) known.regions.push(step.region);
      if (since < known.since) known.since = since;
      if (known.kind === 'permission' && after !== undefined && (known.episode.startsWith('r') || after > known.episode)) known.episode = after;
      continue;
    }
    problems.set(id, {
      id,
      accountId: status.accountId,
      collector: status.collector,
      kind: error.kind,
      ...(error.kind === 'permission' && error.action ? { action: error.action } : {}),
      regions: step.region ? [step.region] : [],
      since,
      episode: error.kind === 'permission' && after !== undefined ? after : `r${status.accountRevision}`,
    });
  }
  return [...problems.values()];
}

function keyOf(problem: AccessProblem): string {
  // A permission episode is keyed on the last success before it; an identity one on its revision already.
  return problem.kind === 'identity' ? `access:${problem.accountId}:${problem.id}` : `access:${problem.accountId}:${problem.id}:${problem.episode}`;
}

/**
 * The transitions from `previous` to `current` (one collector, one account): every problem
 * `current` shows (its key dedups repeats), and every problem of `previous` that `current` shows
 * working again — an identity no longer refused, an action whose steps now succeed.
 */
export function accessChanges(previous: RunStatus | undefined, current: RunStatus): AccessChange[] {
  const now = accessProblems(current);
  const changes: AccessChange[] = now.map((problem) => ({ key: keyOf(problem), state: 'broken', problem }));
  const stillIdentity = now.some((p) => p.kind === 'identity');
  for (const problem of accessProblems(previous)) {
    if (now.some((p) => p.id === problem.id)) continue;
    const recovered =
      problem.kind === 'identity'
        ? !stillIdentity && current.steps.some((s) => s.error === undefined && s.lastAttemptAt === current.lastRunAt)
        : current.steps.some((s) => s.error === undefined && s.lastAttemptAt === current.lastRunAt && stepAction(previous, s.step) === problem.action);
    if (recovered) changes.push({ key: `${keyOf(problem)}:recovered`, state: 'recovered', problem });
  }
  return changes;
}

/** The IAM action a step of `status` was denied, if it was. */
function stepAction(status: RunStatus | undefined, step: string): string | undefined {
  return status?.steps.find((s) => s.step === step)?.error?.action;
}
