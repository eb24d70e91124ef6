/** Alarm transitions, which of them alert, and the episodes of the overview's history. */
import t from 'tap';
import type { AlarmState } from '../../src/domain/records.js';
import { alarmEpisodes, alarmTransitions, decideAlarmAlerts } from '../../src/rules/index.js';

const alarm = (name: string, state: AlarmState['state'], at: string, region = 'us-east-1'): AlarmState => ({
  region,
  name,
  state,
  updatedAt: at,
  transitionedAt: at,
  arn: `arn:aws:cloudwatch:${region}:111122223333:alarm:${name}`,
});

t.test('transitions against the stored states; a first read is history only', async (t) => {
  const first = alarmTransitions(new Map(), [alarm('a', 'ALARM', '2026-12-01T10:00:00.000Z'), alarm('b', 'OK', '2026-12-01T09:00:00.000Z')], ['us-east-1']);
  t.match(first, [{ kind: 'fired', baseline: true, key: 'alarm:arn:aws:cloudwatch:us-east-1:111122223333:alarm:a:2026-12-01T10:00:00.000Z' }]);
  t.same(decideAlarmAlerts(first, { alarms: true, alarmRecovered: true }, new Set()), [], 'nothing mailed on connect');

  const stored = new Map([['us-east-1', [alarm('a', 'ALARM', '2026-12-01T10:00:00.000Z'), alarm('b', 'OK', '2026-12-01T09:00:00.000Z')]]]);
  const next = [alarm('a', 'OK', '2026-12-01T11:00:00.000Z'), alarm('b', 'ALARM', '2026-12-01T11:05:00.000Z'), alarm('c', 'ALARM', '2026-12-01T11:06:00.000Z')];
  const changes = alarmTransitions(stored, next, ['us-east-1']);
  t.same(
    changes.map((c) => [c.alarm.name, c.kind, c.from]),
    [
      ['a', 'recovered', 'ALARM'],
      ['b', 'fired', 'OK'],
      ['c', 'fired', undefined],
    ],
  );
  t.same(alarmTransitions(stored, [alarm('a', 'ALARM', '2026-12-01T10:00:00.000Z')], ['us-east-1']), [], 'unchanged: nothing');
  t.match(alarmTransitions(stored, [alarm('a', 'ALARM', '2026-12-01T10:30:00.000Z')], ['us-east-1']), [{ kind: 'fired', from: 'ALARM' }], 'back in ALARM between two reads: a new firing');
  t.same(alarmTransitions(stored, next, ['eu-west-1']), [], 'only the regions read count');
  t.same(alarmTransitions(stored, next, ['us-east-1']).map((c) => c.key), changes.map((c) => c.key), 'the same answer again gives the same keys (a repeated run claims once)');

  t.same(decideAlarmAlerts(changes, { alarms: true, alarmRecovered: false }, new Set()).map((c) => c.alarm.name), ['b', 'c'], 'recoveries only for who asked');
  t.same(decideAlarmAlerts(changes, { alarms: false, alarmRecovered: true }, new Set()).map((c) => c.alarm.name), ['a']);
  t.same(decideAlarmAlerts(changes, { alarms: true, alarmRecovered: true }, new Set([changes[1]!.key])).map((c) => c.alarm.name), ['a', 'c'], 'keys already sent are left out');
});

t.test('episodes: when each alarm fired and how long it lasted, newest first', async (t) => {
  const base = { accountId: 'acc-1', region: 'us-east-1' };
  const now = Date.parse('2026-12-01T12:00:00.000Z');
  const episodes = alarmEpisodes(
    [
      { ...base, name: 'a', to: 'ALARM', at: '2026-12-01T08:00:00.000Z' },
      { ...base, name: 'a', from: 'ALARM', to: 'OK', at: '2026-12-01T08:30:00.000Z' },
      { ...base, name: 'a', from: 'OK', to: 'ALARM', at: '2026-12-01T11:00:00.000Z' },
      { ...base, name: 'b', from: 'OK', to: 'ALARM', at: '2026-12-01T09:00:00.000Z' },
      { ...base, name: 'b', from: 'ALARM', to: 'INSUFFICIENT_DATA', at: '2026-12-01T10:00:00.000Z' },
    ],
    now,
  );
  t.same(
    episodes.map((e) => [e.name, e.firedAt, e.endedAt, e.endedIn, e.durationMs]),
    [
      ['a', '2026-12-01T11:00:00.000Z', undefined, undefined, 3_600_000],
      ['b', '2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z', 'INSUFFICIENT_DATA', 3_600_000],
      ['a', '2026-12-01T08:00:00.000Z', '2026-12-01T08:30:00.000Z', 'OK', 1_800_000],
    ],
  );
  t.equal(alarmEpisodes([], now).length, 0);
});
