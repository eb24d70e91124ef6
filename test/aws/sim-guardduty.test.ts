/** GuardDuty end to end: detectors, findings since a watermark, chunked GetFindings, severity kept. */
import t from 'tap';
import { severityBand } from '../../src/domain/records.js';
import { expectFailure } from './expect-failure.js';
import { live, startWorld, type World } from './sim-world.js';

const ACCOUNT = '123456789012';

/** A region of the account with a GuardDuty detector (injecting a finding enables GuardDuty there). */
async function detectorIn(w: World, region = 'us-east-1'): Promise<string> {
  const target = w.role(ACCOUNT);
  let detectors = await w.aws.guardDuty.listDetectors(target, region, live());
  if (detectors.length === 0) {
    w.sim.injectFinding(ACCOUNT, region, { title: 'enable', severity: 2 });
    detectors = await w.aws.guardDuty.listDetectors(target, region, live());
  }
  return detectors[0]!;
}

t.test('findings: listed since a watermark, fetched, severity kept as the number', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const detectorId = await detectorIn(w);
  const all = await w.aws.guardDuty.listFindingIds(target, 'us-east-1', detectorId, undefined, live());
  t.ok(all.length > 0, `${all.length} findings in all`);

  const before = new Date(Date.now() - 1000);
  const id = w.sim.injectFinding(ACCOUNT, 'us-east-1', { title: 'SSH brute force on web-1', severity: 8.5 });
  const recent = await w.aws.guardDuty.listFindingIds(target, 'us-east-1', detectorId, before, live());
  t.ok(recent.includes(id), 'the new finding is listed since the watermark');
  t.ok(recent.length < all.length + 1, 'older findings are not');

  const [finding] = await w.aws.guardDuty.getFindings(target, 'us-east-1', detectorId, [id], live());
  t.equal(finding?.id, id);
  t.equal(finding?.title, 'SSH brute force on web-1');
  t.equal(finding?.severity, 8.5, 'the numeric severity');
  t.equal(severityBand(finding?.severity ?? 0), 'high');
  t.equal(finding?.region, 'us-east-1');
  t.equal(finding?.detectorId, detectorId);
  t.equal(finding?.archived, false);
  t.ok(finding && finding.count >= 1 && Date.parse(finding.updatedAt) >= before.getTime());
});

t.test('more than 50 ids: ListFindings pages and GetFindings chunks of 50', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const detectorId = await detectorIn(w, 'eu-west-1');
  for (let i = 0; i < 120; i++) w.sim.injectFinding(ACCOUNT, 'eu-west-1', { title: `finding ${i}`, severity: 1 + (i % 90) / 10 });
  const ids = await w.aws.guardDuty.listFindingIds(target, 'eu-west-1', detectorId, undefined, live());
  t.ok(ids.length >= 120, `${ids.length} ids`);
  t.equal(new Set(ids).size, ids.length, 'no id twice across pages');
  t.ok(w.sim.calls({ account: ACCOUNT, operation: 'ListFindings' }).length >= 3, 'pages of 50 followed');
  const findings = await w.aws.guardDuty.getFindings(target, 'eu-west-1', detectorId, ids, live());
  t.equal(findings.length, ids.length);
  t.equal(w.sim.calls({ account: ACCOUNT, operation: 'GetFindings' }).length, Math.ceil(ids.length / 50));
  const bands = new Set(findings.map((f) => severityBand(f.severity)));
  t.ok(bands.has('low') && bands.has('medium') && bands.has('high'), [...bands].join(','));
  t.ok(findings.every((f) => f.severity >= 1), 'severity >= 1 only');
});

t.test('a region without GuardDuty has no detector; refused keys are "identity", or "region" when STS accepts them', async (t) => {
  const w = await startWorld(t, { faults: [{ account: '444444444444', rejectCredentials: true }, { account: '333333333333', service: 'guardduty', rejectCredentials: true }] });
  t.same(await w.aws.guardDuty.listDetectors(w.role(ACCOUNT), 'sa-east-1', live()), []);
  await expectFailure(t, w.aws.guardDuty.listDetectors(w.keys('444444444444'), 'us-east-1', live()), { kind: 'identity', service: 'guardduty' });
  await expectFailure(t, w.aws.guardDuty.listDetectors(w.keys('333333333333'), 'us-east-1', live()), { kind: 'region', service: 'guardduty', region: 'us-east-1' });
});
