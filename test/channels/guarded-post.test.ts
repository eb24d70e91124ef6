/**
 * The SSRF guard of alert channels: private, loopback, link-local and IPv4-mapped targets are
 * refused (literals and names resolving to them) unless the operator allows them; the connection
 * goes to the address that was checked; https only, no redirects, a deadline and a response cap.
 */
import t from 'tap';
import { forbiddenRange } from '../../src/channels/address-policy.js';
import { createGuardedPost } from '../../src/channels/guarded-post.js';
import { loadConfig } from '../../src/config.js';
import { hasOpenssl, startReceiver } from './fixtures/receiver.js';

const noOpenssl = (await hasOpenssl()) ? false : 'openssl CLI not found: no test certificate';

t.test('address classes', async (t) => {
  const forbidden: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a00:1', 'private'],
    ['[::1]', 'loopback'],
    ['not-an-ip', 'invalid'],
  ];
  for (const [address, range] of forbidden) t.equal(forbiddenRange(address), range, `${address} is ${range}`);
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) t.equal(forbiddenRange(address), undefined, `${address} is public`);
});

t.test('forbidden targets are refused before any connection', async (t) => {
  const post = createGuardedPost({ timeoutMs: 2_000 });
  const refused = async (url: string, code: string, what: string) => {
    await t.rejects(post(url, '{}', {}), { code }, what);
  };
  await refused('https://127.0.0.1/hook', 'CHANNEL_TARGET_FORBIDDEN', 'loopback literal');
  await refused('https://10.0.0.7/hook', 'CHANNEL_TARGET_FORBIDDEN', 'private literal');
  await refused('https://169.254.169.254/latest/meta-data/', 'CHANNEL_TARGET_FORBIDDEN', 'the EC2 metadata service');
  await refused('https://[::1]/hook', 'CHANNEL_TARGET_FORBIDDEN', 'IPv6 loopback');
  await refused('https://[::ffff:127.0.0.1]/hook', 'CHANNEL_TARGET_FORBIDDEN', 'IPv4-mapped loopback');
  await refused('https://2130706433/hook', 'CHANNEL_TARGET_FORBIDDEN', 'loopback as a decimal number (the URL parser makes it 127.0.0.1)');
  await refused('https://localhost/hook', 'CHANNEL_TARGET_FORBIDDEN', 'a name that resolves to loopback');
  await refused('http://93.184.216.34/hook', 'CHANNEL_URL_NOT_HTTPS', 'plain http');
  await refused('https://user:pw@93.184.216.34/hook', 'CHANNEL_URL_INVALID', 'credentials in the URL');

  const mixed = createGuardedPost({ resolve: async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }] });
  await t.rejects(mixed('https://two-faced.test/x', '{}', {}), { code: 'CHANNEL_TARGET_FORBIDDEN' }, 'a name with any private address is refused');
});

t.test('with CHANNEL_ALLOW_PRIVATE_TARGETS a local receiver is reached; redirects, hangs and big answers are handled', { skip: noOpenssl }, async (t) => {
  t.equal(loadConfig({}).channelAllowPrivateTargets, false, 'private targets are refused by default');
  const config = loadConfig({ CHANNEL_ALLOW_PRIVATE_TARGETS: '1' });
  t.equal(config.channelAllowPrivateTargets, true);
  const receiver = await startReceiver(t);
  const post = createGuardedPost({ allowPrivate: config.channelAllowPrivateTargets, ca: receiver.ca, timeoutMs: 1_500 });

  t.same(await post(receiver.url('/ok'), '{"a":1}', { 'x-test': '1' }), { status: 200 }, 'https://localhost reached');
  t.equal(receiver.received.at(-1)?.body, '{"a":1}');
  t.equal(receiver.received.at(-1)?.headers['content-type'], 'application/json');
  t.same(await post(receiver.url('/ok-literal', '127.0.0.1'), '{}', {}), { status: 200 }, 'an IP literal reached');

  await t.rejects(post(receiver.url('/fail'), '{}', {}), { code: 'CHANNEL_HTTP_STATUS', httpStatus: 500 });
  await t.rejects(post(receiver.url('/redirect'), '{}', {}), { code: 'CHANNEL_REDIRECT', httpStatus: 302 });
  t.notOk(receiver.received.some((r) => r.path === '/ok-redirected'), 'the redirect is not followed');
  await t.rejects(post(receiver.url('/hang'), '{}', {}), { code: 'CHANNEL_TIMEOUT' }, 'a receiver that never answers times out');
  t.same(await post(receiver.url('/big'), '{}', {}), { status: 200 }, 'a big answer is cut off, not read whole');

  // Pinning: the name is resolved once, by the guard; the connection goes to what it checked.
  // `receiver.test` exists in no DNS: only the checked answer can have reached the receiver.
  let lookups = 0;
  const pinned = createGuardedPost({ allowPrivate: true, ca: receiver.ca, resolve: async () => (lookups++, [{ address: '127.0.0.1', family: 4 }]) });
  t.same(await pinned(receiver.url('/ok-pinned', 'receiver.test'), '{}', {}), { status: 200 });
  t.equal(lookups, 1, 'one resolution, the one that was checked');
  const strict = createGuardedPost({ ca: receiver.ca, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
  await t.rejects(strict(receiver.url('/ok-pinned', 'receiver.test'), '{}', {}), { code: 'CHANNEL_TARGET_FORBIDDEN' }, 'the same name is refused without the setting');

  const untrusted = createGuardedPost({ allowPrivate: true, timeoutMs: 1_500 });
  await t.rejects(untrusted(receiver.url('/ok'), '{}', {}), { code: 'CHANNEL_CONNECT_FAILED' }, 'a certificate nobody trusts fails');
});
