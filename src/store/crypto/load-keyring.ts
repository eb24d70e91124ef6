/**
 * Where the encryption keys come from: ENCRYPTION_KEY, or a key file. In demo mode a missing key
 * file is generated (mode 0600); in production a key is required, so a misconfigured instance
 * cannot silently seal secrets with a throwaway key.
 */
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../domain/errors.js';
import type { Logger } from '../../log.js';
import { createKeyring, generateKeyText, parseKeys, type Keyring } from './keyring.js';

export interface KeySource {
  mode: 'demo' | 'production';
  /** Key text from the environment: base64 of 32 bytes, or `id:base64,...` (first = current). */
  key?: string | undefined;
  /** Path of a file holding the key text. */
  keyFile?: string | undefined;
  /** The key file used in demo mode when none is given, e.g. `<DATA_DIR>/encryption.key`. */
  defaultKeyFile: string;
  log: Logger;
}

/** Load (or, in demo mode, create) the keyring. */
export async function loadKeyring(source: KeySource): Promise<Keyring> {
  if (source.key) return createKeyring(parseKeys(source.key));
  const path = source.keyFile ?? (source.mode === 'demo' ? source.defaultKeyFile : undefined);
  if (!path) throw new AppError('ENCRYPTION_KEY_MISSING', 'production mode needs ENCRYPTION_KEY or ENCRYPTION_KEY_FILE');
  const text = await readKeyFile(path, source.log);
  if (text !== undefined) return createKeyring(parseKeys(text));
  if (source.mode !== 'demo') throw new AppError('ENCRYPTION_KEY_MISSING', `encryption key file ${path} does not exist`);
  await mkdir(dirname(path), { recursive: true });
  try {
    // `wx`: two processes starting at once must not each write their own key.
    await writeFile(path, `${generateKeyText()}\n`, { mode: 0o600, flag: 'wx' });
    source.log.info({ path }, 'generated a demo encryption key file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return createKeyring(parseKeys((await readKeyFile(path, source.log)) ?? ''));
}

async function readKeyFile(path: string, log: Logger): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) log.warn({ path }, 'encryption key file is readable by other users; chmod 600 it');
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
