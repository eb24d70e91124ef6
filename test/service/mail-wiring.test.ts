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
  refresher.onResult(result('cost'));
  await refresher.stop();
  await clock.advance(60_000);
  t.equal(refreshed.length, 4, 'stop cancels what waits');
});
