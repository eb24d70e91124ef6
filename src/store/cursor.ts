/**
 * Opaque pagination cursors over DynamoDB's LastEvaluatedKey. A cursor comes back from the
 * client, so it is validated before use: exactly the expected key attributes, all short
 * strings, the partition key equal to the session's tenant, and bound to the same query
 * (filters) it was issued for. A forged cursor can at most move within the caller's own data.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';

const invalid = () => new AppError('INVALID_CURSOR', 'invalid cursor', { status: 400 });

/** A short digest of the query a cursor belongs to. */
export function queryBinding(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

/** Encode a LastEvaluatedKey as an opaque cursor. */
export function encodeCursor(key: Record<string, unknown>, binding: string): string {
  return Buffer.from(JSON.stringify({ k: key, b: binding }), 'utf8').toString('base64url');
}

/** Decode and validate a cursor; throws `INVALID_CURSOR` (400) on anything unexpected. */
export function decodeCursor(
  cursor: string,
  expected: { tenantId: string; binding: string; keyAttributes: readonly string[] },
): Record<string, string> {
  if (typeof cursor !== 'string' || cursor.length > 4096) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { k: key, b: binding } = parsed as { k?: unknown; b?: unknown };
  if (binding !== expected.binding || typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const entries = Object.entries(key as Record<string, unknown>);
  const names = entries.map(([name]) => name).sort();
  if (names.join('\u0000') !== [...expected.keyAttributes].sort().join('\u0000')) throw invalid();
  if (!entries.every(([, value]) => typeof value === 'string' && value.length > 0 && value.length <= 1024)) throw invalid();
  const result = Object.fromEntries(entries) as Record<string, string>;
  if (result.pk !== expected.tenantId) throw invalid();
  return result;
}
