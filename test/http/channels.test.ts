/**
 * The alert channel routes: admins add (URL checked: https, Slack's host, no private targets),
 * list (masked), test (rate-limited) and remove channels of their own tenant only; the URL and
 * signing secret never come back, nor reach the audit trail.
 */
import t, { type Test } from 'tap';
import { createChannelService, type ChannelPost } from '../../src/channels/index.js';
import { sessionPair, signIn, startWorld, PUBLIC_URL } from './fixtures/harness.js';

const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/abcdefghijklmnopWXYZ';

async function world(t: Test) {
  const posted: { url: string; body: string; headers: Record<string, string> }[] = [];
  // The request itself is tested in test/channels; here it is recorded.
  const post: ChannelPost = async (url, body, headers) => (posted.push({ url, body, headers }), { status: 204 });
  const w = await startWorld(t, {
    app: (store) => ({
      channels: createChannelService({ channels: store.channels, tenantName: async () => 'Acme', keyring: store.keyring, post, publicUrl: PUBLIC_URL, target: { allowPrivate: false } }),
    }),
  });
  return { w, posted };
}

t.test('add, list masked, test, remove; secrets shown once and never again', async (t) => {
  const { w, posted } = await world(t);
  const owner = await signIn(w, 'chan-owner@example.com');
  const other = await signIn(w, 'chan-other@example.com', 'Other');

  const slack = await w.request('POST', '/api/channels', { cookie: owner.cookie, body: { kind: 'slack', name: 'Ops Slack', url: SLACK_URL } });
  t.equal(slack.status, 201, slack.text);
  t.match(slack.json, { kind: 'slack', name: 'Ops Slack', maskedUrl: 'hooks.slack.com/…WXYZ', status: 'ok', failures: 0 });
  t.notOk('signingSecret' in slack.json, 'Slack needs no signing secret');
  w.clock.now += 1_000;
  const hook = await w.request('POST', '/api/channels', { cookie: owner.cookie, body: { kind: 'webhook', name: 'Pager', url: 'https://93.184.216.34/hooks/cloud-health?k=SECRETQS' } });
  t.equal(hook.status, 201, hook.text);
  t.match(hook.json.signingSecret, /^chwhsec_/, 'the signing secret, this once');
  t.equal(hook.json.maskedUrl, '93.184.216.34/…ETQS', 'host and the last 4 characters');

  const list = await w.request('GET', '/api/channels', { cookie: owner.cookie });
  t.equal(list.status, 200);
  t.same(list.json.map((c: { name: string }) => c.name), ['Ops Slack', 'Pager']);
  t.notMatch(list.text, /abcdefghijklmnop|SECRETQS|chwhsec_/, 'neither URLs nor secrets are listed');
  t.same((await w.request('GET', '/api/channels', { cookie: other.cookie })).json, [], "another tenant sees none of them");

  const tested = await w.request('POST', `/api/channels/${hook.json.id}/test`, { cookie: owner.cookie });
  t.same(tested.json, { delivered: true, status: 204 });
  t.equal(posted.at(-1)!.url, 'https://93.184.216.34/hooks/cloud-health?k=SECRETQS', 'sent to the opened URL');
  t.match(posted.at(-1)!.headers['X-CloudHealth-Signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
  t.match(JSON.parse(posted.at(-1)!.body), { version: 1, type: 'test', tenant: { id: owner.tenantId, name: 'Acme' } });
  t.equal((await w.request('POST', `/api/channels/${hook.json.id}/test`, { cookie: other.cookie })).status, 404, "another tenant cannot test it");
  for (let i = 0; i < 4; i += 1) await w.request('POST', `/api/channels/${slack.json.id}/test`, { cookie: owner.cookie });
  const limited = await w.request('POST', `/api/channels/${slack.json.id}/test`, { cookie: owner.cookie });
  t.equal(limited.status, 429, 'send test is rate-limited per tenant');
  t.equal(limited.json.code, 'RATE_LIMITED');
  t.ok(Number(limited.headers.get('retry-after')) >= 1);

  t.equal((await w.request('DELETE', `/api/channels/${hook.json.id}`, { cookie: other.cookie })).status, 404, "another tenant cannot remove it");
  t.equal((await w.request('DELETE', `/api/channels/${hook.json.id}`, { cookie: owner.cookie })).status, 204);
  t.equal((await w.request('DELETE', `/api/channels/${hook.json.id}`, { cookie: owner.cookie })).status, 404);
  t.equal((await w.request('DELETE', '/api/channels/bad%23id', { cookie: owner.cookie })).status, 400, 'a malformed id is a 400');

  const audit = await w.request('GET', '/api/audit', { cookie: owner.cookie });
  const actions = audit.json.items.map((e: { action: string }) => e.action);
  for (const action of ['channel.added', 'channel.tested', 'channel.removed']) t.ok(actions.includes(action), action);
  t.notMatch(audit.text, /abcdefghijklmnop|SECRETQS|chwhsec_/, 'the audit trail holds no URL or secret');
});

t.test('refused URLs: not https, not Slack, private or loopback targets; viewers cannot manage channels', async (t) => {
  const { w } = await world(t);
  const owner = await signIn(w, 'chan-refuse@example.com');
  const add = (kind: string, url: string) => w.request('POST', '/api/channels', { cookie: owner.cookie, body: { kind, name: 'x', url } });
  const cases: [string, string, string][] = [
    ['webhook', 'http://93.184.216.34/hook', 'CHANNEL_URL_NOT_HTTPS'],
    ['webhook', 'https://127.0.0.1/hook', 'CHANNEL_TARGET_FORBIDDEN'],
    ['webhook', 'https://10.20.30.40/hook', 'CHANNEL_TARGET_FORBIDDEN'],
    ['webhook', 'https://169.254.169.254/latest/meta-data/iam', 'CHANNEL_TARGET_FORBIDDEN'],
    ['webhook', 'https://[::1]/hook', 'CHANNEL_TARGET_FORBIDDEN'],
    ['webhook', 'https://[::ffff:10.0.0.1]/hook', 'CHANNEL_TARGET_FORBIDDEN'],
    ['webhook', 'https://localhost/hook', 'CHANNEL_TARGET_FORBIDDEN'],
    ['webhook', 'not a url', 'CHANNEL_URL_INVALID'],
    ['slack', 'https://hooks.example.com/services/T/B/x', 'CHANNEL_URL_NOT_SLACK'],
    ['slack', 'https://hooks.slack.com/other/path', 'CHANNEL_URL_NOT_SLACK'],
  ];
  for (const [kind, url, code] of cases) {
    const reply = await add(kind, url);
    t.equal(reply.status, 400, `${url}: 400`);
    t.equal(reply.json.code, code, `${url}: ${code}`);
    t.notMatch(reply.text, /stack|at .*\.ts/, 'no stack');
  }
  t.equal((await add('email', SLACK_URL)).json.code, 'VALIDATION_FAILED', 'an unknown kind fails validation');
  t.same((await w.request('GET', '/api/channels', { cookie: owner.cookie })).json, [], 'nothing was stored');

  const viewer = await w.store.users.create({ tenantId: owner.tenantId, email: 'chan-viewer@example.com', password: 'viewer password 1', role: 'viewer' });
  await w.store.users.markEmailVerified(owner.tenantId, viewer.id, viewer.email);
  const cookie = sessionPair(await w.request('POST', '/api/auth/login', { body: { email: viewer.email, password: 'viewer password 1' } }));
  t.equal((await w.request('GET', '/api/channels', { cookie })).status, 403, 'a viewer cannot list channels');
  t.equal((await w.request('POST', '/api/channels', { cookie, body: { kind: 'slack', name: 'x', url: SLACK_URL } })).status, 403, 'nor add one');
  t.equal((await w.request('GET', '/api/channels')).status, 401);
});
