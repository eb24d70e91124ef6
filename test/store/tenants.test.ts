import t from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openAccountSecret } from '../../src/store/index.js';
import { openTestStore } from './fixtures/store.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

t.test('tenants and accounts round trip; every change bumps the revision', async (t) => {
  const { store } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'Acme' });
  t.equal(tenant.revision, 1);
  t.match(tenant.externalId, /^ch-[0-9a-f]{32}$/);

  const role = await store.tenants.addAccount(tenant.id, {
    name: 'prod',
    awsAccountId: '123456789012',
    regions: ['us-east-1', 'eu-west-1'],
    credentials: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthReadOnly' },
  });
  t.same(role.credentials, { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/CloudHealthReadOnly', externalId: tenant.externalId });
  t.equal((await store.tenants.get(tenant.id))?.revision, 2);

  const keys = await store.tenants.addAccount(tenant.id, {
    name: 'dev',
    awsAccountId: '210987654321',
    regions: ['us-west-2'],
    credentials: { type: 'keys', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
  });
  t.equal(keys.credentials.type, 'keys');
  t.equal(openAccountSecret(store.keyring, keys), SECRET);
  t.equal((await store.tenants.get(tenant.id))?.revision, 3);

  await t.rejects(
    store.tenants.addAccount(tenant.id, { name: 'again', awsAccountId: '123456789012', regions: ['us-east-1'], credentials: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/X' } }),
    { code: 'ACCOUNT_EXISTS', status: 409 },
  );
  await t.rejects(
    store.tenants.addAccount(tenant.id, { name: 'bad', awsAccountId: '12', regions: ['us-east-1'], credentials: { type: 'role', roleArn: 'x' } }),
    { code: 'INVALID_ACCOUNT' },
  );

  await store.tenants.setAccountStatus(tenant.id, keys.id, 'credentials_invalid', 'InvalidClientTokenId');
  let current = await store.tenants.get(tenant.id);
  t.equal(current?.revision, 4);
  t.match(current?.accounts.find((a) => a.id === keys.id), { status: 'credentials_invalid', statusReason: 'InvalidClientTokenId', revision: 1 });
  await store.tenants.setAccountStatus(tenant.id, keys.id, 'credentials_invalid', 'InvalidClientTokenId');
  t.equal((await store.tenants.get(tenant.id))?.revision, 4, 'an unchanged status is not a change');

  const updated = await store.tenants.updateAccount(tenant.id, keys.id, { credentials: { type: 'keys', accessKeyId: ACCESS_KEY, secretAccessKey: `${SECRET}2` } });
  t.match(updated, { status: 'active', revision: 2 }, 'new credentials: active again, account revision bumped');
  t.equal(openAccountSecret(store.keyring, updated), `${SECRET}2`);

  const settings = await store.tenants.updateSettings(tenant.id, { monthlyBudgetUsd: 500 });
  t.equal(settings.settings.monthlyBudgetUsd, 500);
  t.equal(settings.revision, 6);
  t.equal(await store.tenants.removeAccount(tenant.id, role.id), true);
  t.equal(await store.tenants.removeAccount(tenant.id, role.id), false);
  current = await store.tenants.get(tenant.id);
  t.equal(current?.revision, 7);
  t.same(current?.accounts.map((a) => a.id), [keys.id]);

  await t.rejects(store.tenants.create({ id: tenant.id, name: 'dup' }), { code: 'TENANT_EXISTS' });
  await t.rejects(store.tenants.get('bad#id'), { code: 'INVALID_ID' }, 'ids that could forge a key prefix are refused');
  t.equal(await store.tenants.get('t-nobody'), undefined);
});

t.test('concurrent changes of one tenant all land (optimistic concurrency on the revision)', async (t) => {
  const { store } = await openTestStore(t);
  const tenant = await store.tenants.create({ name: 'Busy' });
  await Promise.all(
    ['111111111111', '222222222222', '333333333333'].map((awsAccountId, i) =>
      store.tenants.addAccount(tenant.id, { name: `a${i}`, awsAccountId, regions: ['us-east-1'], credentials: { type: 'role', roleArn: `arn:aws:iam::${awsAccountId}:role/R` } }),
    ),
  );
  const current = await store.tenants.get(tenant.id);
  t.equal(current?.accounts.length, 3);
  t.equal(current?.revision, 4);
});

t.test('the fleet lists every tenant through the GSI (Query, no Scan)', async (t) => {
  const { store } = await openTestStore(t);
  const ids = new Set<string>();
  for (let i = 0; i < 40; i += 1) ids.add((await store.tenants.create({ name: `tenant ${i}` })).id);
  store.capacity.reset();
  const listed = await collect(store.tenants.listTenants());
  t.same(new Set(listed.map((tenant) => tenant.id)), ids);
  t.ok(listed.every((tenant) => Array.isArray(tenant.accounts) && tenant.revision === 1));
  const report = store.capacity.snapshot();
  t.ok(report.tenants?.Query, 'listed with Query');
  t.notOk(report.tenants?.Scan, 'never a Scan');
});

t.test('the secret never reaches the disk in plaintext; data survives a restart', async (t) => {
  const first = await openTestStore(t);
  const tenant = await first.store.tenants.create({ name: 'Persisted' });
  const account = await first.store.tenants.addAccount(tenant.id, {
    name: 'keys',
    awsAccountId: '123412341234',
    regions: ['us-east-1'],
    credentials: { type: 'keys', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
  });
  await first.store.close();

  const files = await readdir(join(first.dir, 'dynamodb'), { recursive: true, withFileTypes: true });
  const contents = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath ?? f.path, f.name))));
  const all = Buffer.concat(contents);
  t.ok(all.includes(ACCESS_KEY), 'the grep sees stored data (the access key id is stored in clear)');
  t.notOk(all.includes(SECRET), 'the secret access key is not on disk');
  t.notOk(all.includes(Buffer.from(SECRET).toString('base64')), 'nor its base64');

  const second = await first.reopen();
  const reread = await second.store.tenants.get(tenant.id);
  t.equal(reread?.name, 'Persisted');
  const stored = reread?.accounts.find((a) => a.id === account.id);
  t.ok(stored);
  if (stored) t.equal(openAccountSecret(second.store.keyring, stored), SECRET, 'the key file persisted too');
});
