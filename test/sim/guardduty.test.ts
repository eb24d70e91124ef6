import t, { type Test } from 'tap';
import { GetFindingsCommand, GuardDutyClient, ListDetectorsCommand, ListFindingsCommand, type Finding, type ListFindingsCommandInput } from '@aws-sdk/client-guardduty';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { T0, clientConfig, manualClock, rejection, sdkError } from './fixtures/sim-clients.js';

const ACCOUNT = '123456789012';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function setup(t: Test) {
  const clock = manualClock();
  const sim = await startSimulator({ now: clock.now });
  t.teardown(() => sim.close());
  const gd = new GuardDutyClient(clientConfig(sim, ACCOUNT));
  const detectorId = (await gd.send(new ListDetectorsCommand({}))).DetectorIds?.[0];
  if (!detectorId) throw new Error('the test account has GuardDuty in us-east-1');
  return { sim, clock, gd, detectorId };
}

async function listAll(gd: GuardDutyClient, input: ListFindingsCommandInput): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const out = await gd.send(new ListFindingsCommand({ ...input, NextToken: token }));
    pages += 1;
    ids.push(...(out.FindingIds ?? []));
    token = out.NextToken;
  } while (token);
  return { ids, pages };
}

async function getAll(gd: GuardDutyClient, detectorId: string, ids: string[]): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let i = 0; i < ids.length; i += 50) out.push(...((await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ids.slice(i, i + 50) }))).Findings ?? []));
  return out;
}

t.test('findings carry every severity band, real types and the GuardDuty shape', async (t) => {
  const { gd, detectorId } = await setup(t);
  t.match(detectorId, /^[0-9a-f]{32}$/);
  const { ids } = await listAll(gd, { DetectorId: detectorId });
  t.ok(ids.length >= 20, `${ids.length} findings of the last 30 days`);
  const findings = await getAll(gd, detectorId, ids);
  t.equal(findings.length, ids.length);
  const bands = new Set(findings.map((f) => (f.Severity! >= 9 ? 'critical' : f.Severity! >= 7 ? 'high' : f.Severity! >= 4 ? 'medium' : 'low')));
  t.ok(bands.has('low') && bands.has('medium') && bands.has('high'), [...bands].join(', '));
  const f = findings[0]!;
  t.match(f, {
    AccountId: ACCOUNT,
    Id: /^[0-9a-f]{32}$/,
    Arn: new RegExp(`^arn:aws:guardduty:us-east-1:${ACCOUNT}:detector/${detectorId}/finding/`),
    Region: 'us-east-1',
    Type: /^[A-Za-z]+:[A-Za-z0-9]+\/.+/,
    Title: String,
    Description: String,
    Severity: Number,
    CreatedAt: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    UpdatedAt: /Z$/,
    Resource: { ResourceType: String },
    Service: { Archived: false, Count: Number, DetectorId: detectorId, ServiceName: 'guardduty' },
  });
  t.ok(findings.every((x) => x.Severity! >= 1 && x.Severity! <= 10 && Date.parse(x.CreatedAt!) <= T0));
});

t.test('new findings appear and old ones update as the clock moves', async (t) => {
  const { sim, clock, gd, detectorId } = await setup(t);
  const before = new Set((await listAll(gd, { DetectorId: detectorId })).ids);
  // Let enough time pass for new findings in every region the account watches.
  clock.advance(2 * HOUR);
  const watermark = T0;
  const since = await listAll(gd, { DetectorId: detectorId, FindingCriteria: { Criterion: { updatedAt: { GreaterThanOrEqual: watermark } } } });
  const fresh = since.ids.filter((id) => !before.has(id));
  t.ok(fresh.length >= 2, `${fresh.length} new findings in two hours`);
  const after = new Set((await listAll(gd, { DetectorId: detectorId })).ids);
  t.ok([...before].every((id) => after.has(id)), 'findings stay');
  const found = await getAll(gd, detectorId, since.ids);
  t.ok(found.every((f) => Date.parse(f.UpdatedAt!) >= watermark), 'updatedAt >= the watermark');
  t.ok(found.some((f) => Date.parse(f.CreatedAt!) >= watermark), 'created since');

  // Recurring findings: over a day some counts grow and their updatedAt moves.
  const all = await getAll(gd, detectorId, [...after]);
  clock.advance(24 * HOUR);
  const later = new Map((await getAll(gd, detectorId, [...after])).map((f) => [f.Id, f]));
  const updated = all.filter((f) => (later.get(f.Id)?.Service?.Count ?? 0) > (f.Service?.Count ?? 0));
  t.ok(updated.length >= 1, `${updated.length} findings recurred`);
  for (const f of updated) t.ok(Date.parse(later.get(f.Id)!.UpdatedAt!) > Date.parse(f.UpdatedAt!), 'updatedAt moves with count');
  t.ok(sim.calls({ account: ACCOUNT, service: 'guardduty' }).every((c) => c.status === 200));
});

t.test('ListFindings: severity and updatedAt criteria, sorting, pages of at most 50', async (t) => {
  const { sim, gd, detectorId } = await setup(t);
  for (let i = 0; i < 70; i++) sim.injectFinding(ACCOUNT, 'us-east-1', { title: `injected ${i}`, severity: 1 + (i % 10) * 0.9 });
  const { ids, pages } = await listAll(gd, { DetectorId: detectorId, MaxResults: 50 });
  t.ok(pages >= 2, `${pages} pages`);
  t.equal(new Set(ids).size, ids.length, 'no id twice');
  const high = await listAll(gd, { DetectorId: detectorId, FindingCriteria: { Criterion: { severity: { Gte: 7 } } } });
  const highFindings = await getAll(gd, detectorId, high.ids);
  t.ok(highFindings.length > 0 && highFindings.every((f) => f.Severity! >= 7), 'severity >= 7 only');
  const sorted = await gd.send(new ListFindingsCommand({ DetectorId: detectorId, SortCriteria: { AttributeName: 'severity', OrderBy: 'DESC' }, MaxResults: 10 }));
  const top = await getAll(gd, detectorId, sorted.FindingIds ?? []);
  t.same(top.map((f) => f.Severity), [...top.map((f) => f.Severity)].sort((a, b) => b! - a!), 'sorted by severity, highest first');
  const tooMany = sdkError(await rejection(() => gd.send(new ListFindingsCommand({ DetectorId: detectorId, MaxResults: 51 }))));
  t.match(tooMany, { name: 'BadRequestException', status: 400 });
  const tooManyIds = sdkError(await rejection(() => gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: ids.slice(0, 51) }))));
  t.match(tooManyIds, { name: 'BadRequestException', status: 400 });
  const wrongDetector = sdkError(await rejection(() => gd.send(new ListFindingsCommand({ DetectorId: 'f'.repeat(32) }))));
  t.match(wrongDetector, { name: 'BadRequestException', status: 400 });
});

t.test('an injected finding keeps its title verbatim and enables GuardDuty where it was off', async (t) => {
  const { sim, gd, detectorId } = await setup(t);
  const title = 'Critical: <script>alert("x")</script> & more';
  const id = sim.injectFinding(ACCOUNT, 'us-east-1', { title, severity: 9.5, type: 'AttackSequence:IAM/CompromisedCredentials' });
  const [finding] = (await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: [id] }))).Findings ?? [];
  t.match(finding, { Id: id, Title: title, Severity: 9.5, Type: 'AttackSequence:IAM/CompromisedCredentials', CreatedAt: new Date(T0).toISOString(), Service: { Count: 1 } });
  const newest = await gd.send(new ListFindingsCommand({ DetectorId: detectorId, FindingCriteria: { Criterion: { updatedAt: { GreaterThanOrEqual: T0 } } } }));
  t.ok(newest.FindingIds?.includes(id), 'listed as updated since now');

  const off = await regionWithoutDetector(sim);
  const there = new GuardDutyClient(clientConfig(sim, off.account, { region: off.region }));
  t.same((await there.send(new ListDetectorsCommand({}))).DetectorIds, [], 'GuardDuty is not enabled there');
  const injected = sim.injectFinding(off.account, off.region, { title: 'first', severity: 5 });
  const enabled = (await there.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  t.equal(enabled.length, 1, 'injecting enabled it');
  t.same((await there.send(new ListFindingsCommand({ DetectorId: enabled[0] }))).FindingIds, [injected]);
  t.throws(() => sim.injectFinding('12345', 'us-east-1', { title: 'x', severity: 5 }), TypeError);
});

/** Some account and region (among the ones accounts use) where GuardDuty is off. */
async function regionWithoutDetector(sim: Simulator): Promise<{ account: string; region: string }> {
  for (let n = 100_000_000_000; n < 100_000_000_100; n++) {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1']) {
      const gd = new GuardDutyClient(clientConfig(sim, String(n), { region }));
      if ((await gd.send(new ListDetectorsCommand({}))).DetectorIds?.length === 0) return { account: String(n), region };
    }
  }
  throw new Error('no region without GuardDuty found');
}

t.test('an unknown GuardDuty route is UnknownOperationException (404)', async (t) => {
  const { gd, detectorId } = await setup(t);
  gd.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { path: string }).path = `/detector/${detectorId}/everything`;
      return next(args);
    },
    { step: 'build' },
  );
  t.match(sdkError(await rejection(() => gd.send(new ListFindingsCommand({ DetectorId: detectorId })))), { name: 'UnknownOperationException', status: 404 });
});
