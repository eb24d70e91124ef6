/**
 * Backups of the embedded store through the real CLI (`cli.ts backup|restore`, run as a child
 * process as an operator runs it): a backup taken while the service's store is running, restored
 * into a fresh DATA_DIR, serves the same data; a restore never overwrites data; and `tables`'s
 * point-in-time recovery step copes with an endpoint without it (dynalite).
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { silentLogger } from '../../src/log.js';
import { enablePointInTimeRecovery } from '../../src/store/backup-pitr.js';
import { startEmbeddedDynamo } from '../../src/store/embedded-dynamo.js';
import { ensureTables } from '../../src/store/ensure-tables.js';
import { tableNames } from '../../src/store/tables.js';
import { costResult, finding, metricsResult, openTestStore, sampleSeries, securityResult, tempDir } from './fixtures/store.js';

const cli = fileURLToPath(new URL('../../src/store/cli.ts', import.meta.url));

/** Run the store CLI as an operator would, with DATA_DIR set and no production settings (demo mode). */
function runCli(dataDir: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const { NODE_OPTIONS: _options, NODE_V8_COVERAGE: _coverage, DYNAMODB_ENDPOINT: _endpoint, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'info' } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, out });
    }),
  );
}

t.test('a backup of a running store, restored into a fresh DATA_DIR, serves the same data', async (t) => {
  const source = await openTestStore(t);
  const { store, prefix } = source;
  const tenant = await store.tenants.create({ name: 'Backed Up Ltd' });
  const account = await store.tenants.addAccount(tenant.id, { name: 'prod', awsAccountId: '123456789012', credentials: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthMonitor' }, regions: ['us-east-1'] });
  await store.users.create({ tenantId: tenant.id, email: 'owner@example.com', password: 'correct horse battery staple' });
  const now = Date.now();
  const series = sampleSeries({ instances: 2, regions: ['us-east-1'], start: now - 3 * 3_600_000, end: now });
  await store.results.write(metricsResult(tenant.id, account.id, series));
  const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
  await store.results.write(costResult(tenant.id, account.id, { days: 10, endDay: yesterday }));
  await store.results.write(securityResult(tenant.id, account.id, [finding('f-1', 8.1, new Date(now - 60_000).toISOString())]));

  const file = join(await tempDir(t), 'backup.jsonl');
  const backup = await runCli(source.dir, ['backup', file, '--prefix', prefix]);
  t.equal(backup.code, 0, `backup exited 0: ${backup.out.slice(-400)}`);
  t.match(backup.out, /"via":"running-service"/, 'read through the running store (LevelDB admits one process)');
  t.equal((await stat(file)).mode & 0o777, 0o600, 'the file is private: it holds password hashes');
  const header = JSON.parse((await readFile(file, 'utf8')).split('\n')[0] ?? '{}') as { format?: string };
  t.equal(header.format, 'cloud-health-backup');

  const readAll = async (s: typeof store) => ({
    tenant: await s.tenants.get(tenant.id),
    user: (await s.users.authenticate('owner@example.com', 'correct horse battery staple'))?.id,
    metrics: await s.metrics.query(tenant.id, { accountId: account.id, namespace: 'AWS/EC2', metricName: 'CPUUtilization', from: new Date(now - 4 * 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString() }),
    costs: await s.costs.daily(tenant.id, { start: new Date(now - 30 * 86_400_000).toISOString().slice(0, 10), end: new Date(now + 86_400_000).toISOString().slice(0, 10) }),
    findings: (await s.findings.query(tenant.id, {})).items,
  });
  const before = await readAll(store);
  t.ok(before.user && before.metrics.length === 2 && before.costs.length > 0 && before.findings.length === 1, 'the source has data of every kind');

  // A fresh DATA_DIR; the encryption key is not in the backup and is carried over separately.
  const fresh = await tempDir(t);
  await copyFile(join(source.dir, 'encryption.key'), join(fresh, 'encryption.key'));
  const restore = await runCli(fresh, ['restore', file, '--prefix', prefix]);
  t.equal(restore.code, 0, `restore exited 0: ${restore.out.slice(-400)}`);
  t.match(restore.out, /"via":"direct"/);
  const again = await runCli(fresh, ['restore', file, '--prefix', prefix]);
  t.equal(again.code, 1, 'a second restore is refused');
  t.match(again.out, /BACKUP_TARGET_NOT_EMPTY/);

  const restored = await openTestStore(t, {}, { dir: fresh, prefix });
  t.same(await readAll(restored.store), before, 'tenant, accounts, login, metrics, costs and findings are served as before');
});

t.test('a file that is not a backup is refused with its code', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'not-a-backup.jsonl');
  await writeFile(file, '{"hello":"world"}\n');
  const result = await runCli(dir, ['restore', file]);
  t.equal(result.code, 1, result.out.slice(-300));
  t.match(result.out, /BACKUP_FORMAT/);
  t.equal((await runCli(dir, ['backup'])).code, 2, 'a command without its file prints the usage');
});

t.test('point-in-time recovery: requested for every table; dynalite has none and says so', async (t) => {
  const dir = await tempDir(t);
  const dynalite = await startEmbeddedDynamo({ path: join(dir, 'db') });
  t.teardown(() => dynalite.close());
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynalite.endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  t.teardown(() => client.destroy());
  const names = tableNames('pitr-');
  await ensureTables(client, names, { log: silentLogger() });
  t.same(await enablePointInTimeRecovery(client, names, silentLogger()), { pitr: 'unsupported', tables: [] });

  // An endpoint that implements it (the wire shape of UpdateContinuousBackups, as AWS answers it).
  const seen: { target: string | undefined; body: { TableName?: string; PointInTimeRecoverySpecification?: unknown } }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ target: request.headers['x-amz-target'] as string | undefined, body: JSON.parse(body) as { TableName?: string } });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const aws = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  t.teardown(() => aws.destroy());
  const result = await enablePointInTimeRecovery(aws, names, silentLogger());
  t.equal(result.pitr, 'enabled');
  t.same(result.tables, Object.values(names));
  t.ok(seen.every((s) => s.target === 'DynamoDB_20120810.UpdateContinuousBackups'));
  t.same(seen[0]?.body.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
});
