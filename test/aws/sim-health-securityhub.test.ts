/**
 * The AWS Health and Security Hub collectors end to end: the real jobs through the real SDK
 * clients against the simulator (issue 11). Covers the subscription-required and not-enabled
 * cases and the daily re-check of an account without the support plan.
 */
import t from 'tap';
import { AwsCallError } from '../../src/domain/errors.js';
import type { ComplianceResult, HealthResult, ResultSink, RunStatus } from '../../src/domain/sink.js';
import type { Account, CollectorKind } from '../../src/domain/tenant.js';
import { defaultJobs, type AccountOutcome, type CollectContext } from '../../src/collectors/index.js';
import { silentLogger } from '../../src/log.js';
import { memorySink, startWorld, type World } from './sim-world.js';

const ACCOUNT = '123456789012';
const HOUR = 3_600_000;


function accountOf(w: World, regions: string[]): Account {
  return { ...w.role(ACCOUNT), name: 'prod', regions, status: 'active', revision: 1 };
}

async function run(w: World, kind: CollectorKind, account: Account, sink: ResultSink, options: { now?: number; previous?: RunStatus; force?: boolean } = {}): Promise<AccountOutcome[]> {
  const ctx: CollectContext = {
    tenantId: account.tenantId,
    kind,
    accounts: [account],
    settings: {},
    now: options.now ?? Date.now(),
    intervalMs: HOUR,
    force: options.force ?? false,
    previous: () => options.previous,
    signal: new AbortController().signal,
    aws: w.aws,
    call: (_service, fn) => fn(new AbortController().signal),
    sink,
    memory: new Map(),
    log: silentLogger(),
  };
  return defaultJobs()[kind](ctx);
}

t.test('AWS Health: events with their affected resources, through the global endpoint', async (t) => {
  const w = await startWorld(t);
  const sink = memorySink();
  const [outcome] = await run(w, 'health', accountOf(w, ['eu-west-1']), sink);
  t.same(outcome?.steps.filter((s) => s.error), [], 'every step succeeded');
  const result = sink.results.find((r): r is HealthResult => r.kind === 'health');
  t.ok(result && result.events.length > 0, `${result?.events.length} events stored`);
  const categories = new Set(result?.events.map((e) => e.category));
  t.ok(categories.size >= 2, `several categories: ${[...categories].join(', ')}`);
  const current = result!.events.filter((e) => e.status !== 'closed');
  for (const e of current) t.ok(e.affectedEntities.length > 0, `${e.eventTypeCode} lists its affected resources`);
  const ranks = result!.events.map((e) => ({ open: 0, upcoming: 1, closed: 2 })[e.status]);
  t.same(ranks, [...ranks].sort(), 'current events first');
  const calls = w.sim.calls({ account: ACCOUNT, service: 'health' });
  t.ok(calls.length >= 2 && calls.every((c) => c.region === 'us-east-1'), 'every Health call went to us-east-1');
});

t.test('AWS Health without the support plan: a feature step, re-checked once a day', async (t) => {
  const w = await startWorld(t, { accounts: { [ACCOUNT]: { healthSubscription: false } } });
  const sink = memorySink();
  const account = accountOf(w, ['us-east-1']);
  const now = Date.now();
  const [first] = await run(w, 'health', account, sink, { now });
  const error = first?.steps[0]?.error;
  t.ok(error instanceof AwsCallError, 'classified');
  t.equal((error as AwsCallError).kind, 'feature', 'SubscriptionRequiredException is "feature not available", not an error');
  t.equal((error as AwsCallError).awsCode, 'SubscriptionRequiredException');
  t.equal(sink.results.length, 0, 'nothing stored');
  const previous: RunStatus = {
    tenantId: account.tenantId,
    accountId: account.id,
    collector: 'health',
    accountRevision: 1,
    lastRunAt: new Date(now).toISOString(),
    steps: [{ step: 'DescribeEvents', operation: 'DescribeEvents', lastAttemptAt: new Date(now).toISOString(), error: { kind: 'feature', code: 'SubscriptionRequiredException', message: 'x', at: new Date(now).toISOString() } }],
  };
  const before = w.sim.calls({ account: ACCOUNT, service: 'health' }).length;
  const [later] = await run(w, 'health', account, sink, { now: now + 2 * HOUR, previous });
  t.same(later?.steps, [], 'two hours later: not asked again');
  t.equal(w.sim.calls({ account: ACCOUNT, service: 'health' }).length, before, 'no call made');
  const [nextDay] = await run(w, 'health', account, sink, { now: now + 25 * HOUR, previous });
  t.equal(nextDay?.steps.length, 1, 'a day later: asked again');
});

t.test('Security Hub: scores per standard, failed controls, findings without GuardDuty\'s', async (t) => {
  const w = await startWorld(t);
  const sink = memorySink();
  const account = accountOf(w, ['us-east-1', 'eu-west-1']);
  const [outcome] = await run(w, 'compliance', account, sink);
  t.same(outcome?.steps.filter((s) => s.error), [], 'every step succeeded');
  const result = sink.results.find((r): r is ComplianceResult => r.kind === 'compliance')!;
  t.same(result.standardRegions, ['us-east-1', 'eu-west-1']);
  t.equal(result.standards.length, 4, 'two standards in each region');
  for (const st of result.standards) {
    t.equal(st.totalControls, 11, `${st.name}: 12 controls, one disabled`);
    t.equal(st.passedControls, st.totalControls - st.failedControls.length, 'passed = total - failed');
    for (const c of st.failedControls) t.ok(c.remediationUrl?.startsWith('https://docs.aws.amazon.com/') && c.resources.length > 0, `${c.controlId} has its remediation page and resources`);
  }
  t.ok(result.standards.some((st) => st.name === 'CIS AWS Foundations Benchmark v1.4.0'));
  t.ok(result.standards.some((st) => st.failedControls.length > 0), 'some control fails');
  t.ok(result.findings.length > 0, `${result.findings.length} findings`);
  t.notOk(result.findings.some((f) => f.type.includes('Recon:EC2')), 'GuardDuty\'s findings are left out');
  t.notOk(result.findings.some((f) => f.id.includes('security-control')), 'control checks are shown as failed controls, not findings');
  // The findings query carries the brief's filters.
  const get = w.sim.calls({ account: ACCOUNT, service: 'securityhub', operation: 'GetFindings' });
  t.ok(get.length >= 4, 'GetFindings per region: updated findings and failed controls');

  // The second run asks only for findings updated since the watermark.
  const sink2 = memorySink();
  const marks = new Map<string, string>();
  sink2.getWatermark = async () => new Date(Date.now() + HOUR).toISOString();
  sink2.setWatermark = async (_t, _a, _k, v) => void marks.set('m', v);
  await run(w, 'compliance', account, sink2);
  const second = sink2.results.find((r): r is ComplianceResult => r.kind === 'compliance')!;
  t.equal(second.findings.length, 0, 'nothing updated after the watermark');
  t.equal(second.standards.length, 4, 'the scores are read every run');
  t.ok(marks.has('m'), 'the watermark moved');
});

t.test('Security Hub not enabled in a region: a setup step there, the other region collected', async (t) => {
  const w = await startWorld(t, { accounts: { [ACCOUNT]: { securityHubDisabledRegions: ['eu-west-1'] } } });
  const sink = memorySink();
  const [outcome] = await run(w, 'compliance', accountOf(w, ['us-east-1', 'eu-west-1']), sink);
  const failed = outcome!.steps.filter((s) => s.error);
  t.equal(failed.length, 1);
  t.equal(failed[0]?.step, 'GetEnabledStandards@eu-west-1');
  t.equal((failed[0]?.error as AwsCallError).kind, 'feature', 'InvalidAccessException: not enabled');
  const result = sink.results.find((r): r is ComplianceResult => r.kind === 'compliance')!;
  t.same(result.standardRegions, ['us-east-1', 'eu-west-1'], 'eu-west-1 replaces its scores with none');
  t.ok(result.standards.every((s) => s.region === 'us-east-1'));
});

t.test('a denied securityhub:GetFindings stops only that step', async (t) => {
  const w = await startWorld(t, { accounts: { [ACCOUNT]: { deniedActions: ['securityhub:GetFindings'] } } });
  const sink = memorySink();
  const [outcome] = await run(w, 'compliance', accountOf(w, ['us-east-1']), sink);
  const failed = outcome!.steps.filter((s) => s.error);
  t.same(failed.map((s) => [s.step, (s.error as AwsCallError).kind]), [['GetFindings@us-east-1', 'permission']]);
  t.same(outcome!.steps.filter((s) => !s.error).map((s) => s.step), ['GetEnabledStandards@us-east-1', 'DescribeStandardsControls@us-east-1']);
});
