/** The user record's own profile fields, and records that kept them under `x:` preference keys. */
import t from 'tap';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { openTestStore } from './fixtures/store.js';

t.test('a legacy record reads with its profile; the next write moves it out of the preferences', async (t) => {
  const { store, raw, prefix, getItem } = await openTestStore(t);
  const user = await store.users.create({ tenantId: 't-p', email: 'legacy@example.com', password: 'correct horse battery' });
  t.same(user.profile, { digestHour: 8, timezone: 'UTC' }, 'defaults');
  // How an earlier version stored them.
  await raw.send(
    new UpdateCommand({
      TableName: `${prefix}users`,
      Key: { pk: 't-p', sk: `user#${user.id}` },
      UpdateExpression: 'SET preferences = :p',
      ExpressionAttributeValues: { ':p': { critical: false, warning: true, costTips: true, dailyDigest: true, 'x:digestHour': 6, 'x:timezone': 'Europe/Paris', 'x:pendingEmail': 'next@example.com' } },
    }),
  );
  const legacy = await store.users.get('t-p', user.id);
  t.same(legacy?.profile, { digestHour: 6, timezone: 'Europe/Paris', pendingEmail: 'next@example.com' }, 'migrated on read');
  t.same(legacy?.preferences, { critical: false, warning: true, costTips: true, dailyDigest: true, alarms: true, alarmRecovered: false, healthIssues: true, healthScheduled: false }, 'no x: keys among the flags (alarm flags at their defaults)');

  const updated = await store.users.updateProfile('t-p', user.id, { pendingEmail: null, digestHour: 7 });
  t.same(updated.profile, { digestHour: 7, timezone: 'Europe/Paris' });
  const item = await getItem('users', { pk: 't-p', sk: `user#${user.id}` });
  t.same(item?.profile, { digestHour: 7, timezone: 'Europe/Paris' }, 'stored in its own field');
  t.notOk(Object.keys((item?.preferences ?? {}) as object).some((key) => key.startsWith('x:')), 'the legacy keys are gone');
  t.same((await store.users.get('t-p', user.id))?.preferences.dailyDigest, true, 'the flags kept');
});
