/** The findings workflow over HTTP on real stored data: totals, filters and sorting across pages, CSV, suppression rules. */
import t from 'tap';
import type { Finding } from '../../src/domain/records.js';
import { finding, securityResult } from '../store/fixtures/store.js';
import { signIn, startWorld, type SignedIn, type World } from './fixtures/harness.js';

const HOUR = 3_600_000;

interface Seeded {
  a: SignedIn;
  b: SignedIn;
  prod: string;
  staging: string;
}

/** Tenant A: two accounts, 60 open findings of varied type, region and resource, 3 archived. Tenant B: none. */
async function seed(w: World): Promise<Seeded> {
  const a = await signIn(w, 'findings-a@example.com');
  const b = await signIn(w, 'findings-b@example.com');
  const connect = async (name: string, id: string) =>
    (await w.request('POST', '/api/accounts', { cookie: a.cookie, body: { name, roleArn: `arn:aws:iam::${id}:role/CloudHealthMonitor`, regions: ['us-east-1', 'eu-west-1'] } })).json.id as string;
  const prod = await connect('Prod', '123456789012');
  const staging = await connect('Staging', '210987654321');
  const make = (accountId: string, count: number, offset: number): Finding[] =>
    Array.from({ length: count }, (_, i) => {
      const n = i + offset;
      const s3 = n % 3 === 0;
      return finding(`f${String(n).padStart(3, '0')}`, 1 + ((n * 7) % 90) / 10, new Date(w.clock.now - n * HOUR).toISOString(), {
        region: n % 2 === 0 ? 'us-east-1' : 'eu-west-1',
        type: s3 ? 'Policy:S3/BucketBlockPublicAccessDisabled' : 'Recon:EC2/PortProbeUnprotectedPort',
        title: s3 ? `Bucket ${n} is public` : `Port probe on instance ${n}`,
        resourceType: s3 ? 'S3Bucket' : 'Instance',
        resourceId: s3 ? `logs-${n}` : `i-0${n}`,
        count: n + 1,
      });
    });
  await w.store.results.write(securityResult(a.tenantId, prod, make(prod, 40, 0)));
  await w.store.results.write(securityResult(a.tenantId, staging, [
    ...make(staging, 20, 100),
    ...[1, 2, 3].map((i) => finding(`arch${i}`, 8, new Date(w.clock.now).toISOString(), { archived: true })),
  ]));
  return { a, b, prod, staging };
}

const ids = (reply: { json: { items: { id: string }[] } }) => reply.json.items.map((f) => f.id);

t.test('findings: the total, sorting and filtering across pages, CSV and suppression', async (t) => {
  const w = await startWorld(t);
  const { a, b, prod, staging } = await seed(w);
  const get = (path: string, who: SignedIn = a) => w.request('GET', path, { cookie: who.cookie });

  await t.test('the total counts every matching finding, not the page', async (t) => {
    const page = await get('/api/findings?limit=25');
    t.equal(page.status, 200, page.text);
    t.equal(page.json.items.length, 25);
    t.equal(page.json.total, 60, 'open findings of both accounts');
    t.equal(page.json.truncated, false);
    t.ok(page.json.nextCursor);
    t.equal((await get('/api/findings?status=archived')).json.total, 3);
    t.equal((await get('/api/findings?status=all')).json.total, 63);
    t.equal((await get('/api/findings', b)).json.total, 0, 'another tenant sees none');
  });

  await t.test('sorting is across pages: walking the pages in title order gives one sorted list', async (t) => {
    const titles: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await get(`/api/findings?sort=title&order=asc&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      t.equal(page.status, 200, page.text);
      titles.push(...page.json.items.map((f: { title: string }) => f.title));
      cursor = page.json.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    t.equal(titles.length, 60);
    t.same(titles, [...titles].sort((x, y) => x.localeCompare(y)), 'globally sorted');
    const bySeverity = (await get('/api/findings?limit=100')).json.items.map((f: { severity: number }) => f.severity);
    t.same(bySeverity, [...bySeverity].sort((x: number, y: number) => y - x), 'default: most severe first');
    const byCount = (await get('/api/findings?sort=count&order=asc&limit=3')).json.items.map((f: { count: number }) => f.count);
    t.same(byCount, [1, 2, 3], 'fewest occurrences first, from the whole set');
  });

  await t.test('filters: severity, account, region, type, resource, combined', async (t) => {
    const high = await get('/api/findings?severity=high,critical&limit=100');
    t.ok(high.json.items.every((f: { band: string }) => f.band === 'high' || f.band === 'critical'));
    t.equal(high.json.total, high.json.items.length);
    t.equal((await get(`/api/findings?accountId=${staging}`)).json.total, 20);
    const eu = await get('/api/findings?region=eu-west-1&limit=100');
    t.equal(eu.json.total, 30);
    t.ok(eu.json.items.every((f: { region: string }) => f.region === 'eu-west-1'));
    const s3 = await get('/api/findings?type=s3/bucket&limit=100');
    t.equal(s3.json.total, 14 + 6, 'every third of 0-39 and of 100-119 (case-insensitive substring)');
    t.ok(s3.json.items.every((f: { resourceType: string; resourceId: string }) => f.resourceType === 'S3Bucket' && f.resourceId.startsWith('logs-')));
    t.same(ids(await get('/api/findings?resource=logs-102')), ['f102']);
    const combined = await get(`/api/findings?accountId=${prod}&region=us-east-1&type=Recon&limit=100`);
    t.ok(combined.json.total > 0);
    t.ok(combined.json.items.every((f: { accountId: string; region: string; type: string }) => f.accountId === prod && f.region === 'us-east-1' && f.type.startsWith('Recon')));
    const other = await w.request('GET', '/api/findings?accountId=a-not-mine', { cookie: a.cookie });
    t.equal(other.status, 404);
    const bad = await get('/api/findings?sort=nonsense');
    t.equal(bad.status, 400);
    t.equal(bad.json.code, 'VALIDATION_FAILED');
  });

  await t.test('a cursor is bound to its tenant, filters and order', async (t) => {
    const first = await get('/api/findings?limit=5&sort=title');
    const cursor = encodeURIComponent(first.json.nextCursor);
    t.equal((await get(`/api/findings?limit=5&sort=title&cursor=${cursor}`)).json.offset, 5);
    t.equal((await get(`/api/findings?limit=5&sort=count&cursor=${cursor}`)).json.code, 'INVALID_CURSOR');
    t.equal((await get(`/api/findings?limit=5&sort=title&cursor=${cursor}`, b)).json.code, 'INVALID_CURSOR');
  });

  await t.test('CSV export: every row of the selection, quoted, formula-safe', async (t) => {
    const csv = await get('/api/findings.csv?type=S3&sort=title&order=asc');
    t.equal(csv.status, 200);
    t.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    t.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="findings-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.text.trimEnd().split('\r\n');
    t.equal(lines[0], 'severity,band,status,title,type,resource_type,resource_id,account,aws_account_id,region,count,first_seen,last_seen,suppression_reason,finding_id');
    t.equal(lines.length, 1 + 20, 'all S3 findings, not one page');
    t.ok(lines.slice(1).every((line) => line.includes(',S3Bucket,logs-')));
    t.match(lines[1]!, /,Bucket 0 is public,.*,Prod,123456789012,us-east-1,/);
  });

  await t.test('suppression: by resource, type or account; reason and expiry; idempotent; reversible', async (t) => {
    const create = (body: unknown, who: SignedIn = a) => w.request('POST', '/api/findings/suppressions', { cookie: who.cookie, body });
    const byResource = await create({ kind: 'resource', value: 'logs-0', reason: 'public website bucket' });
    t.equal(byResource.status, 201, byResource.text);
    const again = await create({ kind: 'resource', value: 'logs-0', reason: 'public website bucket' });
    t.equal(again.status, 200, 'the same rule twice (a double click) is one rule');
    t.equal(again.json.id, byResource.json.id);
    t.equal((await get('/api/findings')).json.total, 59);
    const suppressed = await get('/api/findings?status=suppressed');
    t.same(ids(suppressed), ['f000']);
    t.same(suppressed.json.items[0].suppression, { ruleId: byResource.json.id, kind: 'resource', reason: 'public website bucket' });
    t.equal(suppressed.json.items[0].status, 'suppressed');

    const byAccount = await create({ kind: 'account', value: staging, reason: 'sandbox', expiresAt: new Date(w.clock.now + 2 * HOUR).toISOString() });
    t.equal(byAccount.status, 201);
    t.equal((await get('/api/findings')).json.total, 39, 'the staging account is silenced');
    w.clock.now += 3 * HOUR;
    t.equal((await get('/api/findings')).json.total, 59, 'an expired rule no longer applies');
    const rules = await get('/api/findings/suppressions');
    // Both were made at the same clock time: compare without relying on their order.
    t.same(rules.json.map((r: { kind: string; active: boolean }) => [r.kind, r.active]).sort(), [['account', false], ['resource', true]]);

    const byType = await create({ kind: 'type', value: 'Recon:EC2/PortProbeUnprotectedPort', reason: 'honeypot fleet' });
    t.equal(byType.status, 201);
    t.equal((await get('/api/findings')).json.total, 19, 'only S3 findings remain open (minus the suppressed bucket)');
    t.equal((await get('/api/findings.csv?status=suppressed')).text.trimEnd().split('\r\n').length, 1 + 41);

    const overview = await get('/api/overview');
    t.equal(overview.status, 200);

    const gone = await w.request('DELETE', `/api/findings/suppressions/${byType.json.id}`, { cookie: a.cookie });
    t.equal(gone.status, 204);
    t.equal((await w.request('DELETE', `/api/findings/suppressions/${byType.json.id}`, { cookie: a.cookie })).status, 404);
    t.equal((await get('/api/findings')).json.total, 59, 'removing a rule brings its findings back');

    t.equal((await w.request('DELETE', `/api/findings/suppressions/${byResource.json.id}`, { cookie: b.cookie })).status, 404, 'B cannot remove A\'s rule');
    t.same((await get('/api/findings/suppressions', b)).json, [], 'B sees no rules of A');
    const foreign = await create({ kind: 'account', value: prod, reason: 'not mine' }, b);
    t.equal(foreign.status, 404, 'an account rule must name one of the tenant\'s accounts');
    const past = await create({ kind: 'type', value: 'x', reason: 'r', expiresAt: new Date(w.clock.now - 1000).toISOString() });
    t.equal(past.status, 400);
    t.equal(past.json.code, 'INVALID_EXPIRY');
    const noReason = await create({ kind: 'type', value: 'x', reason: '  ' });
    t.equal(noReason.status, 400);
    t.equal(noReason.json.code, 'VALIDATION_FAILED');
  });
});
