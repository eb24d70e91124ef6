import t from 'tap';
import { accessChanges, accessProblems } from '../../src/rules/index.js';
import type { RunStatus, StepRecord } from '../../src/domain/sink.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute)).toISOString();

function status(revision: number, runAt: string, steps: StepRecord[]): RunStatus {
  return { tenantId: 't-1', accountId: 'a-1', collector: 'cost', accountRevision: revision, lastRunAt: runAt, steps };
}
const ok = (step: string, runAt: string): StepRecord => ({ step, operation: step.split('@')[0]!, lastAttemptAt: runAt, lastSuccessAt: runAt });
const denied = (step: string, runAt: string, since: string, action = `ce:${step}`): StepRecord => ({
  step,
  operation: step.split('@')[0]!,
  lastAttemptAt: runAt,
  error: { kind: 'permission', code: 'AccessDeniedException', action, message: 'x', at: runAt, since },
});

t.test('a missing permission is one problem per action, keyed on the last success before it (else the revision)', async (t) => {
  const s = status(1, at(10), [
    ok('GetCostAndUsage', at(10)),
    denied('GetRightsizingRecommendation', at(10), at(0)),
    { ...denied('ListFindings@us-east-1', at(10), at(5), 'guardduty:ListFindings'), region: 'us-east-1' },
    { ...denied('ListFindings@eu-west-1', at(10), at(3), 'guardduty:ListFindings'), region: 'eu-west-1', lastSuccessAt: at(1) },
  ]);
  const problems = accessProblems(s);
  t.equal(problems.length, 2);
  t.match(problems.find((p) => p.action === 'guardduty:ListFindings'), { regions: ['us-east-1', 'eu-west-1'], since: at(3) });
  const changes = accessChanges(undefined, s);
  t.same(changes.map((c) => c.key).sort(), ['access:a-1:permission:ce:GetRightsizingRecommendation:r1', 'access:a-1:permission:guardduty:ListFindings:' + at(1)].sort());
  t.ok(changes.every((c) => c.state === 'broken'));
});

t.test('the same problem seen again has the same key; it recovers only when its step works again', async (t) => {
  const first = status(1, at(0), [denied('GetRightsizingRecommendation', at(0), at(0))]);
  const again = status(1, at(15), [denied('GetRightsizingRecommendation', at(15), at(0))]);
  t.same(accessChanges(first, again).map((c) => c.key), accessChanges(undefined, first).map((c) => c.key), 'a repeat has the same key (the outbox sends it once)');
  const skipped = status(1, at(20), [{ ...denied('GetRightsizingRecommendation', at(15), at(0)) }, ok('GetCostAndUsage', at(20))]);
  t.same(accessChanges(again, skipped).filter((c) => c.state === 'recovered'), [], 'not attempted this run: no news');
  const fixed = status(1, at(30), [ok('GetRightsizingRecommendation', at(30))]);
  const recovered = accessChanges(again, fixed);
  t.same(recovered.map((c) => [c.key, c.state]), [['access:a-1:permission:ce:GetRightsizingRecommendation:r1:recovered', 'recovered']]);
  t.same(accessChanges(fixed, status(1, at(45), [ok('GetRightsizingRecommendation', at(45))])), [], 'nothing after the recovery');
  // Denied again after working: a new episode, named by the success before it.
  const deniedAgain = status(1, at(60), [{ ...denied('GetRightsizingRecommendation', at(60), at(60)), lastSuccessAt: at(45) }]);
  t.same(accessChanges(fixed, deniedAgain).map((c) => c.key), [`access:a-1:permission:ce:GetRightsizingRecommendation:${at(45)}`], 'a new episode has a new key');
});

t.test('two instances that both see a denial first, at different times, name it alike (one email)', async (t) => {
  // While a tenant's lease moves, two instances may both run its collector with no stored status.
  const onA = status(1, at(10), [denied('GetRightsizingRecommendation', at(10), at(10))]);
  const onB = status(1, at(11), [denied('GetRightsizingRecommendation', at(11), at(11))]);
  t.same(accessChanges(undefined, onA).map((c) => c.key), accessChanges(undefined, onB).map((c) => c.key));
});

t.test('a refused identity is keyed on the account revision; an update that works recovers it', async (t) => {
  const identity = (revision: number, runAt: string): StepRecord => ({
    step: 'GetCostAndUsage',
    operation: 'GetCostAndUsage',
    lastAttemptAt: runAt,
    error: { kind: 'identity', code: 'AccessDenied', message: 'x', at: runAt, since: runAt },
  });
  const refused = status(3, at(0), [identity(3, at(0))]);
  t.same(accessChanges(undefined, refused).map((c) => c.key), ['access:a-1:identity:r3']);
  const stillRefused = status(4, at(10), [identity(4, at(10))]);
  t.same(accessChanges(refused, stillRefused).map((c) => [c.key, c.state]), [['access:a-1:identity:r4', 'broken']], 'an update that is refused too is news, not a recovery');
  const works = status(4, at(10), [ok('GetCostAndUsage', at(10))]);
  t.same(accessChanges(refused, works).map((c) => [c.key, c.state]), [['access:a-1:identity:r3:recovered', 'recovered']]);
});

t.test('throttling and transient trouble are not access problems', async (t) => {
  const s = status(1, at(0), [{ step: 'GetCostAndUsage', operation: 'GetCostAndUsage', lastAttemptAt: at(0), error: { kind: 'throttled', code: 'LimitExceededException', message: 'x', at: at(0) } }]);
  t.same(accessProblems(s), []);
});
