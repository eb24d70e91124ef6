/**
 * The collectors' `ResultSink` on DynamoDB: each result goes to its repository and the tenant's
 * cached reads are made stale; the collector records the run's status (steps, errors) apart. Writes are awaited
 * (nothing is buffered), so `flush` has nothing to wait for.
 */
import { LRUCache } from 'lru-cache';
import { assertNever } from '../domain/assert-never.js';
import type { AlarmState } from '../domain/records.js';
import { runStatusEssence } from '../domain/run-steps.js';
import type { CollectionResult, ResultSink } from '../domain/sink.js';
import type { DataKind } from './cache/data-kinds.js';
import type { CostRepository } from './cost-repository.js';
import type { FindingRepository } from './finding-repository.js';
import { ItemsRefusedError } from './items-refused-error.js';
import type { MetricsRepository } from './metrics-repository.js';
import type { StateRepository } from './state-repository.js';
import type { TenantRepository } from './tenant-repository.js';

export interface ResultSinkDeps {
  metrics: MetricsRepository;
  costs: CostRepository;
  findings: FindingRepository;
  state: StateRepository;
  tenants: Pick<TenantRepository, 'setAccountStatus'>;
  /** Told after each write, with the data kinds it changed (the cache drops what depends on them). */
  onChange: (tenantId: string, kinds: readonly DataKind[]) => Promise<void>;
  /** Told of items the store refused as invalid; the rest of the result was stored. */
  onRefused?: (error: ItemsRefusedError, result: CollectionResult) => void;
  /**
   * A run status whose essence (`runStatusEssence`) did not change is written again only after
   * this long, so its times shown on the dashboard lag at most this much. Default 1 h.
   */
  runStatusHeartbeatMs?: number;
  now?: () => number;
}

/** The data kinds a result's write changes: a metrics run leaves findings, costs and recommendations cached. */
export function kindsWritten(result: CollectionResult): readonly DataKind[] {
  switch (result.kind) {
    case 'metrics':
      // Series and catalog, and the alarm snapshot (state).
      return ['metrics', 'state'];
    case 'cost':
      return ['costs'];
    case 'security':
      return ['findings'];
    case 'health':
      return ['state'];
    case 'compliance':
      return result.findings.length > 0 ? ['state', 'findings'] : ['state'];
    default:
      return assertNever(result, 'collection result');
  }
}

/** Create the sink. */
export function createResultSink(deps: ResultSinkDeps): ResultSink {
  const { metrics, costs, findings, state } = deps;
  const heartbeatMs = deps.runStatusHeartbeatMs ?? 3_600_000;
  const now = deps.now ?? Date.now;
  // Per account and collector: the essence last written by this process and when.
  const written = new LRUCache<string, { essence: string; at: number }>({ max: 100_000 });

  // An item the store refuses (too large, invalid) is a data error of that item: the rest of the
  // result is stored and the write succeeds, so the collector neither crashes nor repeats forever.
  async function write(result: CollectionResult, signal?: AbortSignal): Promise<void> {
    const tolerate = async (step: Promise<void>) => {
      try {
        await step;
      } catch (error) {
        if (!(error instanceof ItemsRefusedError)) throw error;
        deps.onRefused?.(error, result);
      }
    };
    await writeData(result, tolerate, signal);
    await deps.onChange(result.tenantId, kindsWritten(result));
  }

  async function writeData(result: CollectionResult, tolerate: (step: Promise<void>) => Promise<void>, signal?: AbortSignal): Promise<void> {
    const { tenantId, accountId } = result;
    switch (result.kind) {
      case 'metrics': {
        await tolerate(metrics.write(tenantId, accountId, result.series, signal, { ...(result.completeRegions ? { completeRegions: result.completeRegions } : {}), ...(result.catalog ? { catalog: result.catalog } : {}), at: result.collectedAt }));
        // Regions whose alarms were read, even with none, replace their snapshot; the others keep theirs.
        const byRegion = new Map<string, AlarmState[]>(result.alarmRegions.map((region) => [region, []]));
        for (const alarm of result.alarms) byRegion.get(alarm.region)?.push(alarm);
        await tolerate(state.putAlarms(tenantId, accountId, byRegion, signal));
        break;
      }
      case 'cost':
        await tolerate(costs.write(result, signal));
        break;
      case 'security':
        await tolerate(findings.write(tenantId, accountId, result.findings, signal));
        break;
      case 'health':
        await tolerate(state.putHealth(tenantId, accountId, result.events, result.collectedAt, signal));
        break;
      case 'compliance': {
        const byRegion = new Map(result.standardRegions.map((region) => [region, result.standards.filter((s) => s.region === region)]));
        await tolerate(state.putCompliance(tenantId, accountId, byRegion, result.collectedAt, signal));
        if (result.findings.length > 0) await tolerate(findings.write(tenantId, accountId, result.findings, signal));
        break;
      }
      default:
        // A collector whose result is not written here would record runs and store nothing.
        assertNever(result, 'collection result');
    }
  }

  return {
    write,
    getWatermark: (tenantId, accountId, collector) => state.getWatermark(tenantId, accountId, collector),
    setWatermark: (tenantId, accountId, collector, value) => state.setWatermark(tenantId, accountId, collector, value),
    getRunStatus: (tenantId, accountId, collector, signal) => state.getRun(tenantId, accountId, collector, signal),
    async putRunStatus(status, _previous, signal) {
      // A collector stores its status after every run (every 5 min for metrics): most runs only
      // move times, and those need not cost a write each (issue 15, lean storage).
      const key = `${status.tenantId}|${status.accountId}|${status.collector}`;
      const essence = JSON.stringify(runStatusEssence(status));
      const last = written.get(key);
      if (last && last.essence === essence && now() - last.at < heartbeatMs) return;
      await state.putRun(status, signal);
      written.set(key, { essence, at: now() });
      await deps.onChange(status.tenantId, ['state']);
    },
    setAccountStatus: (tenantId, accountId, status, reason) => deps.tenants.setAccountStatus(tenantId, accountId, status, reason),
    flush: async () => {},
  };
}
