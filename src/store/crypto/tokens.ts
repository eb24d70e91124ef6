/**
 * Session and one-time tokens: 32 random bytes, base64url. Only their SHA-256 is stored, so a
 * leaked table does not hold a usable token; no salt is needed since the token is random.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A new bearer token (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
