/**
 * AES-256-GCM for secrets at rest (AWS secret access keys). A keyring holds the current key,
 * which seals, and older keys, which still open what they sealed, so a key can be rotated
 * without a migration. The key id is stored beside the ciphertext.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Account, SealedSecret } from '../../domain/tenant.js';
import { AppError } from '../../domain/errors.js';

/** One 32-byte key and its id. */
export interface KeyringKey {
  id: string;
  key: Buffer;
}

/** Seals and opens secrets; `context` is bound into the ciphertext (AAD), e.g. the owning tenant and account. */
export interface Keyring {
  readonly currentKeyId: string;
  seal(plaintext: string, context: string): SealedSecret;
  /** Throws `SECRET_UNKNOWN_KEY` or `SECRET_REJECTED` (tampered, wrong key or wrong context). */
  open(sealed: SealedSecret, context: string): string;
  /** True when `sealed` was sealed by an older key and should be re-sealed. */
  isStale(sealed: SealedSecret): boolean;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** A stable, non-secret id for a key: the first 8 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** Parse `base64` or `id:base64[,id:base64...]` (first = current). Throws on a key that is not 32 bytes. */
export function parseKeys(text: string): KeyringKey[] {
  const entries = text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new AppError('ENCRYPTION_KEY_INVALID', 'no encryption key given');
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const key = Buffer.from(colon >= 0 ? entry.slice(colon + 1) : entry, 'base64');
    if (key.length !== KEY_BYTES) throw new AppError('ENCRYPTION_KEY_INVALID', 'an encryption key must be 32 bytes, base64-encoded');
    return { id: colon >= 0 ? entry.slice(0, colon) : keyIdOf(key), key };
  });
}

/** A new random key, in the text form `parseKeys` reads. */
export function generateKeyText(): string {
  const key = randomBytes(KEY_BYTES);
  return `${keyIdOf(key)}:${key.toString('base64')}`;
}

/** A keyring over `keys`; the first one seals. */
export function createKeyring(keys: KeyringKey[]): Keyring {
  const current = keys[0];
  if (!current) throw new AppError('ENCRYPTION_KEY_INVALID', 'a keyring needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const aad = (keyId: string, context: string) => Buffer.from(`cloud-health/v1|${keyId}|${context}`, 'utf8');
  return {
    currentKeyId: current.id,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(aad(current.id, context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId: current.id, blob: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
    },
    open(sealed, context) {
      const key = byId.get(sealed.keyId);
      if (!key) throw new AppError('SECRET_UNKNOWN_KEY', `no key with id ${sealed.keyId} in the keyring`);
      const raw = Buffer.from(sealed.blob, 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new AppError('SECRET_REJECTED', 'sealed secret is malformed');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(aad(sealed.keyId, context));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new AppError('SECRET_REJECTED', 'sealed secret failed authentication', { cause: error });
      }
    },
    isStale(sealed) {
      return sealed.keyId !== current.id;
    },
  };
}

/** The AAD context of an account's secret: a sealed secret copied to another account or tenant will not open. */
export function accountSecretContext(tenantId: string, accountId: string): string {
  return `account-secret|${tenantId}|${accountId}`;
}

/** The plaintext secret access key of an account connected with keys (for `src/aws`; never log it). */
export function openAccountSecret(keyring: Keyring, account: Pick<Account, 'tenantId' | 'id' | 'credentials'>): string {
  if (account.credentials.type !== 'keys') throw new AppError('SECRET_NONE', 'the account has no stored secret');
  return keyring.open(account.credentials.secret, accountSecretContext(account.tenantId, account.id));
}
