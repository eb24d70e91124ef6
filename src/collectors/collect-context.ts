/**
 * What a collector run is given, and what it returns. The runtime (src/actors) builds the
 * context; the jobs in this folder use it and know nothing of actors.
 */
import type { Logger } from 'pino';
import type { AwsGateway, AwsService } from '../domain/gateway.js';
import type { ResultSink } from '../domain/sink.js';
import type { Account, CollectorKind, TenantSettings } from '../domain/tenant.js';

export interface CollectContext {
  tenantId: string;
  kind: CollectorKind;
  /** The tenant's accounts that may be collected (credentials_invalid ones left out). */
  accounts: readonly Account[];
  settings: TenantSettings;
  /** When this run started (the runtime's clock). */
  now: number;
  /** This collector's interval, so a run can choose its look-back window. */
  intervalMs: number;
  /** Aborted when the collector or the runtime stops. */
  signal: AbortSignal;
  aws: AwsGateway;
  /** Make an AWS call through the tenant's breaker, concurrency caps and call deadline. */
  call<T>(service: AwsService, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  sink: ResultSink;
  /** Private to this collector, kept between runs (lost on a restart): discovery caches etc. */
  memory: Map<string, unknown>;
  log: Logger;
}

/** How one account fared in a run; `error` is what was thrown, classified later. */
export interface AccountOutcome {
  accountId: string;
  error?: unknown;
}

/** One run of a collector over the tenant's accounts. */
export type CollectorJob = (ctx: CollectContext) => Promise<AccountOutcome[]>;

/**
 * Run `fn` for each account one after another (per-tenant caps bound concurrency anyway),
 * turning a throw into that account's outcome so one account never hides another. An abort
 * ends the run.
 */
export async function forEachAccount(
  ctx: CollectContext,
  fn: (account: Account) => Promise<void>,
): Promise<AccountOutcome[]> {
  const outcomes: AccountOutcome[] = [];
  for (const account of ctx.accounts) {
    ctx.signal.throwIfAborted();
    try {
      await fn(account);
      outcomes.push({ accountId: account.id });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      outcomes.push({ accountId: account.id, error });
    }
  }
  return outcomes;
}
