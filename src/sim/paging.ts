/**
 * Pagination tokens: opaque base64 of an offset bound to a fingerprint of the request, so a token
 * replayed with other parameters is refused as real services refuse it.
 */
import { hashString } from './prng.js';

/** Fingerprint of the request fields that must not change between pages. */
export function fingerprint(value: unknown): string {
  return hashString(JSON.stringify(value ?? null)).toString(36);
}

/** Encode a page position. */
export function encodeToken(position: Record<string, number | string>, requestFingerprint: string): string {
  return Buffer.from(JSON.stringify({ ...position, f: requestFingerprint }), 'utf8').toString('base64');
}

/** Decode a token made by `encodeToken` for the same request; undefined when it is not one. */
export function decodeToken(token: unknown, requestFingerprint: string): Record<string, number | string> | undefined {
  if (typeof token !== 'string' || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, number | string>;
    return typeof parsed === 'object' && parsed !== null && parsed.f === requestFingerprint ? parsed : undefined;
  } catch {
    return undefined;
  }
}
