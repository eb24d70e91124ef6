/** The service's mail wiring: the notifying sink and the recommendations refresher. */
import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import type { CollectionResult, ResultSink } from '../../src/domain/sink.js';
import { silentLogger } from '../../src/log.js';
import { notifyingSink } from '../../src/service/notifying-sink.js';
import { createRecommendationRefresher } from '../../src/service/recommendation-refresher.js';

const result = (kind: 'metrics' | 'cost' | 'security', tenantId = 't-1'): CollectionResult =>
  kind === 'security'
    ? { kind, tenantId, accountId: 'a-1', collectedAt: '', findings: [] }
    : kind === 'cost'
      ? { kind, tenantId, accountId: 'a-1', collectedAt: '', daily: [], anomalies: [], rightsizing: [] }
      : { kind, tenantId, accountId: 'a-1', collectedAt: '', alarms: [], alarmRegions: [], series: [] };

function memorySink(events: string[], fail = false): ResultSink {
  return {
    async write(r) {
      if (fail) throw new Error('store down');
      events.push(`write ${r.kind}`);
    },
    getWatermark: async () => 'w',
    setWatermark: async () => void events.push('watermark'),
    setAccountStatus: async () => undefined,
    getRunStatus: async () => undefined,
    putRunStatus: async () => undefined,
    flush: async () => void events.push('flush'),
  };
}

t.test('listeners hear of a result after it is stored; they never fail the write; a failed write tells nobody', async (t) => {
  const events: string[] = [];
  const sink = notifyingSink(
    memorySink(events),
    [
      async (r) => void events.push(`listener ${r.kind}`),
      () => {
        throw new Error('mail is down');
      },
      () => new Promise<void>(() => {}),
    ],
    { log: silentLogger(), timeoutMs: 50 },
  );
  await sink.write(result('security'));
  t.same(events, ['write security', 'listener security'], 'written first, then told; a throwing and a hanging listener do not fail it');
  t.equal(await sink.getWatermark('t-1', 'a-1', 'security'), 'w');
  await sink.setWatermark('t-1', 'a-1', 'security', 'x');
  await sink.flush();
  t.same(events.slice(2), ['watermark', 'flush'], 'the rest passes through');

  const told: string[] = [];
  const failing = notifyingSink(memorySink([], true), [(r) => void told.push(r.kind)], { log: silentLogger() });
  await t.rejects(failing.write(result('cost')), /store down/);
  t.same(told, []);
});

t.test('recorders are part of the write: before it, after it, and a failure fails it (so the watermark stays)', async (t) => {
  const events: string[] = [];
  const sink = notifyingSink(memorySink(events), [async (r) => void events.push(`listener ${r.kind}`)], {
    log: silentLogger(),
    recorders: [{ before: async (r) => void events.push(`before ${r.kind}`), after: async (r) => void events.push(`after ${r.kind}`) }],
  });
  await sink.write(result('security'));
  t.same(events, ['before security', 'write security', 'after security', 'listener security']);

  const kept: string[] = [];
  const failing = notifyingSink(memorySink(kept), [async () => void kept.push('listener')], {
    log: silentLogger(),
    recorders: [{ after: async () => Promise.reject(new Error('outbox unavailable')) }],
  });
  await t.rejects(failing.write(result('security')), /outbox unavailable/, 'the collector sees the failure and does not move its watermark');
  t.same(kept, ['write security'], 'listeners are not told of a write that failed');

  const refused: string[] = [];
  const early = notifyingSink(memorySink(refused), [], { log: silentLogger(), recorders: [{ before: async () => Promise.reject(new Error('no snapshot')) }] });
  await t.rejects(early.write(result('metrics')), /no snapshot/);
  t.same(refused, [], 'a failed before-recorder stores nothing: the snapshot it compares with stays');
});

t.test('recommendations: after cost results (coalesced per tenant) and after metrics once a UTC day', async (t) => {
  const clock = new ManualClock(Date.UTC(2026, 10, 2, 10));
  const refreshed: string[] = [];
  const refresher = createRecommendationRefresher({
    refresh: async (tenantId) => void refreshed.push(tenantId),
    log: silentLogger(),
    clock,
    coalesceMs: 30_000,
  });
  t.teardown(() => refresher.stop());
  refresher.onResult(result('cost'));
  refresher.onResult(result('cost'));
  refresher.onResult(result('cost', 't-2'));
  refresher.onResult(result('security'));
  await clock.advance(30_000);
  t.same(refreshed, ['t-1', 't-2'], 'one evaluation per tenant for its run\'s results');

  refresher.onResult(result('metrics'));
  await clock.advance(30_000);
  t.same(refreshed, ['t-1', 't-2'], 'metrics the same day: the daily rules would not change');
  await clock.advance(14 * 3_600_000);
  refresher.onResult(result('metrics'));
  refresher.onResult(result('metrics'));
  await clock.advance(30_000);
  t.same(refreshed, ['t-1', 't-2', 't-1'], 'the first metrics result of a new day re-evaluates');

  await refresher.refreshNow('t-3');
  t.same(refreshed.at(-1), 't-3');
  const withFinding = { ...result('security', 't-4'), findings: [{ id: 'f-1' }] } as unknown as CollectionResult;
  refresher.onResult(withFinding);
  await clock.advance(30_000);
  t.same(refreshed.at(-1), 't-4', 'a security result with findings re-evaluates (the GETs never persist)');
  refresher.onResult(result('cost'));
  await refresher.stop();
  await clock.advance(60_000);
  t.equal(refreshed.length, 5, 'stop cancels what waits');
});
