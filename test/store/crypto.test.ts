import t from 'tap';
import { randomBytes } from 'node:crypto';
import { stat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { createKeyring, generateKeyText, parseKeys, accountSecretContext } from '../../src/store/crypto/keyring.js';
import { loadKeyring } from '../../src/store/crypto/load-keyring.js';
import { hashPassword, needsRehash, verifyPassword } from '../../src/store/crypto/passwords.js';
import { hashToken, newToken } from '../../src/store/crypto/tokens.js';
import { tempDir, TEST_SCRYPT } from './fixtures/store.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

t.test('a sealed secret opens with the same key and context, and hides the plaintext', async (t) => {
  const keyring = createKeyring(parseKeys(generateKeyText()));
  const context = accountSecretContext('t-1', 'a-1');
  const sealed = keyring.seal(SECRET, context);
  t.equal(sealed.keyId, keyring.currentKeyId);
  t.notMatch(sealed.blob, SECRET);
  t.notMatch(Buffer.from(sealed.blob, 'base64').toString('latin1'), SECRET);
  t.equal(keyring.open(sealed, context), SECRET);
  t.not(keyring.seal(SECRET, context).blob, sealed.blob, 'a fresh IV each time');
});

t.test('a tampered ciphertext, a wrong context or an unknown key is rejected', async (t) => {
  const keyring = createKeyring(parseKeys(generateKeyText()));
  const sealed = keyring.seal(SECRET, 'ctx');
  const raw = Buffer.from(sealed.blob, 'base64');
  raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
  t.throws(() => keyring.open({ ...sealed, blob: raw.toString('base64') }, 'ctx'), { code: 'SECRET_REJECTED' });
  const tag = Buffer.from(sealed.blob, 'base64');
  tag[14] = (tag[14] as number) ^ 0x80;
  t.throws(() => keyring.open({ ...sealed, blob: tag.toString('base64') }, 'ctx'), { code: 'SECRET_REJECTED' }, 'tag flipped');
  t.throws(() => keyring.open(sealed, accountSecretContext('t-2', 'a-1')), { code: 'SECRET_REJECTED' }, 'moved to another account');
  t.throws(() => keyring.open({ ...sealed, blob: 'AAAA' }, 'ctx'), { code: 'SECRET_REJECTED' });
  t.throws(() => keyring.open({ ...sealed, keyId: 'knope' }, 'ctx'), { code: 'SECRET_UNKNOWN_KEY' });
});

t.test('rotation: the new key seals, the old key still opens', async (t) => {
  const oldText = generateKeyText();
  const old = createKeyring(parseKeys(oldText));
  const sealedByOld = old.seal(SECRET, 'ctx');
  const rotated = createKeyring(parseKeys(`${generateKeyText()},${oldText}`));
  t.not(rotated.currentKeyId, old.currentKeyId);
  t.equal(rotated.open(sealedByOld, 'ctx'), SECRET);
  t.ok(rotated.isStale(sealedByOld));
  t.notOk(rotated.isStale(rotated.seal(SECRET, 'ctx')));
});

t.test('keys must be 32 bytes of base64', async (t) => {
  t.throws(() => parseKeys(randomBytes(16).toString('base64')), { code: 'ENCRYPTION_KEY_INVALID' });
  t.throws(() => parseKeys(''), { code: 'ENCRYPTION_KEY_INVALID' });
  const bare = randomBytes(32).toString('base64');
  t.match(parseKeys(bare)[0]?.id, /^k[0-9a-f]{8}$/, 'a bare key gets an id derived from it');
});

t.test('demo mode generates a 0600 key file once; production requires a key', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'keys', 'encryption.key');
  const log = silentLogger();
  const first = await loadKeyring({ mode: 'demo', defaultKeyFile: file, log });
  t.equal((await stat(file)).mode & 0o777, 0o600);
  const again = await loadKeyring({ mode: 'demo', defaultKeyFile: file, log });
  t.equal(again.currentKeyId, first.currentKeyId, 'the same key is read back');
  t.equal(again.open(first.seal('x', 'c'), 'c'), 'x');

  await t.rejects(loadKeyring({ mode: 'production', defaultKeyFile: join(dir, 'missing.key'), log }), { code: 'ENCRYPTION_KEY_MISSING' });
  await t.rejects(loadKeyring({ mode: 'production', keyFile: join(dir, 'missing.key'), defaultKeyFile: file, log }), { code: 'ENCRYPTION_KEY_MISSING' });
  const fromFile = await loadKeyring({ mode: 'production', keyFile: file, defaultKeyFile: '', log });
  t.equal(fromFile.currentKeyId, first.currentKeyId);
  const envKey = randomBytes(32).toString('base64');
  const fromEnv = await loadKeyring({ mode: 'production', key: envKey, defaultKeyFile: '', log });
  t.equal(fromEnv.currentKeyId, parseKeys(envKey)[0]?.id);

  const loose = join(dir, 'loose.key');
  await writeFile(loose, await readFile(file, 'utf8'), { mode: 0o644 });
  t.equal((await loadKeyring({ mode: 'production', keyFile: loose, defaultKeyFile: '', log })).currentKeyId, first.currentKeyId, 'a loose file still loads (with a warning)');
});

t.test('passwords: scrypt with parameters stored, constant-time verify', async (t) => {
  const hash = await hashPassword('correct horse battery staple', TEST_SCRYPT);
  t.match(hash, /^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
  t.notMatch(hash, 'correct horse');
  t.ok(await verifyPassword('correct horse battery staple', hash));
  t.notOk(await verifyPassword('correct horse battery stapler', hash));
  t.notOk(await verifyPassword('x', 'not-a-hash'));
  t.notOk(await verifyPassword('x', 'scrypt$a$b$c$d$e'));
  t.not(await hashPassword('same', TEST_SCRYPT), await hashPassword('same', TEST_SCRYPT), 'salted');
  t.ok(needsRehash(hash), 'weaker than the default parameters');
  t.notOk(needsRehash(hash, TEST_SCRYPT));
});

t.test('tokens: 32 random bytes, stored as SHA-256', async (t) => {
  const token = newToken();
  t.equal(Buffer.from(token, 'base64url').length, 32);
  t.not(newToken(), token);
  t.equal(hashToken(token), hashToken(token));
  t.not(hashToken(token), token);
  t.equal(Buffer.from(hashToken(token), 'base64url').length, 32);
});
