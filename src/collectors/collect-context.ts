/**
 * What a collector run is given, and what it returns. The runtime (src/actors) builds the
 * context; the jobs in this folder use it and know nothing of actors.
 *
 * A run is a set of independent steps per account (an AWS operation, per region for regional
 * services). A failed step is recorded with its error and the others go on; what they produced is
 * stored (DESIGN.md "Failure scopes"). Only a refused identity ends an account's run early: every
 * later step would be refused too.
 */
import type { Logger } from 'pino';
import { AwsCallError } from '../domain/errors.js';
import type { AwsGateway, AwsService } from '../domain/gateway.js';
import type { ResultSink, RunStatus } from '../domain/sink.js';
import type { Account, CollectorKind, TenantSettings } from '../domain/tenant.js';

export interface CollectContext {
  tenantId: string;
  kind: CollectorKind;
  /** The tenant's accounts to collect in this run (credentials_invalid ones left out). */
  accounts: readonly Account[];
  settings: TenantSettings;
  /** When this run started (the runtime's clock). */
  now: number;
  /** This collector's interval, so a run can choose its look-back window. */
  intervalMs: number;
  /**
   * True when the run was asked for (a new or updated account, an operator): every step is due.
   * False for a scheduled run or a retry, where a billed step that succeeded recently is skipped.
   */
  force: boolean;
  /** Aborted when the collector or the runtime stops. */
  signal: AbortSignal;
  aws: AwsGateway;
  /** Make an AWS call through the tenant's breaker, concurrency caps and call deadline. */
  call<T>(service: AwsService, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  sink: ResultSink;
  /** The status the previous runs left for an account (steps' last successes), if any. */
  previous(accountId: string): RunStatus | undefined;
  /** Private to this collector, kept between runs (lost on a restart): discovery caches etc. */
  memory: Map<string, unknown>;
  log: Logger;
}

/** How one step went; `error` is what was thrown (classified later), absent on success. */
export interface StepOutcome {
  step: string;
  operation: string;
  region?: string;
  error?: unknown;
}

/** How one account fared in a run. */
export interface AccountOutcome {
  accountId: string;
  /** The steps attempted, in order (skipped ones are absent and keep their previous record). */
  steps: StepOutcome[];
  /** True when the run stored something for the account. */
  stored: boolean;
  /** The account's run failed as a whole (identity refused, the store failed, a bug). */
  error?: unknown;
}

/** One collector run over the tenant's accounts. */
export type CollectorJob = (ctx: CollectContext) => Promise<AccountOutcome[]>;

/** The id of a step: its key (the operation, or `<Operation>:<part>`), and the region for regional ones. */
export function stepId(key: string, region?: string): string {
  return region === undefined ? key : `${key}@${region}`;
}

/** The AWS operation of a step key (`GetMetricData:headline` -> `GetMetricData`). */
export function operationOf(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

/** One account's run: its steps and whether anything was stored. */
export class AccountRun {
  readonly steps: StepOutcome[] = [];
  stored = false;

  constructor(
    private readonly ctx: CollectContext,
    readonly account: Account,
  ) {}

  /**
   * Run one step. `key` is the operation, or `<Operation>:<part>` when one operation serves
   * several data kinds on their own cadences (`cadences.ts`). Its failure is recorded and
   * `undefined` returned, so the next step runs; an abort, or an identity refusal (every later
   * step would be refused too), ends the account's run.
   */
  async step<T>(key: string, region: string | undefined, fn: () => Promise<T>): Promise<T | undefined> {
    const step = stepId(key, region);
    const operation = operationOf(key);
    try {
      const value = await fn();
      this.steps.push({ step, operation, ...(region === undefined ? {} : { region }) });
      return value;
    } catch (error) {
      if (this.ctx.signal.aborted) throw error;
      this.steps.push({ step, operation, ...(region === undefined ? {} : { region }), error });
      if (error instanceof AwsCallError && error.kind === 'identity') throw error;
      return undefined;
    }
  }

  /** When a step last succeeded for this account (the stored status; undefined after an account update). */
  lastSuccess(key: string, region?: string): number | undefined {
    const previous = this.ctx.previous(this.account.id);
    if (!previous || previous.accountRevision !== this.account.revision) return undefined;
    const at = previous.steps.find((s) => s.step === stepId(key, region))?.lastSuccessAt;
    return at === undefined ? undefined : Date.parse(at);
  }

  /**
   * True when a step should run: it was asked for, has never succeeded for this revision, or
   * succeeded at least `minAgeMs` ago. The last success is persisted, so after a restart a step
   * keeps its schedule, and a retry soon after a partial failure repeats only the steps that
   * failed, never a billed call that already succeeded.
   */
  due(key: string, minAgeMs: number, region?: string): boolean {
    if (this.ctx.force) return true;
    const last = this.lastSuccess(key, region);
    return last === undefined || this.ctx.now - last >= minAgeMs;
  }
}

/**
 * Run `fn` for each account one after another (per-tenant caps bound concurrency anyway),
 * turning a throw into that account's outcome so one account never hides another. An abort
 * ends the run.
 */
export async function forEachAccount(ctx: CollectContext, fn: (run: AccountRun) => Promise<void>): Promise<AccountOutcome[]> {
  const outcomes: AccountOutcome[] = [];
  for (const account of ctx.accounts) {
    ctx.signal.throwIfAborted();
    const run = new AccountRun(ctx, account);
    try {
      await fn(run);
      outcomes.push({ accountId: account.id, steps: run.steps, stored: run.stored });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      outcomes.push({ accountId: account.id, steps: run.steps, stored: run.stored, error });
    }
  }
  return outcomes;
}

/** The later of two optional instants (a step's last success, or the one-off step that stood in for it). */
export function laterOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}
