/**
 * Ids and key parts. Tenant and account ids are restricted to `[A-Za-z0-9_-]` so that a key
 * `${tenantId}#...` can never be a prefix of another tenant's key (tenant `a` vs `a#b`): the
 * tenant boundary of every partition key rests on this check.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Throw a 400 `INVALID_ID` unless `value` is a safe id; returns it for chaining. */
export function assertId(kind: string, value: string): string {
  if (typeof value !== 'string' || !ID.test(value)) throw new AppError('INVALID_ID', `invalid ${kind} id`, { status: 400 });
  return value;
}

/** A new random id, e.g. `t-3xQ...`; 80 random bits, url-safe. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(10).toString('base64url')}`;
}

/** Escape `%` and `#` so free text (resource ids, service names) cannot forge a key separator. */
export function keyPart(text: string): string {
  return text.replace(/%/g, '%25').replace(/#/g, '%23');
}

const DAY_MS = 86_400_000;

/** The `ttl` attribute (epoch seconds) for a record dated `fromMs` that lives `days` days. */
export function ttlAfter(fromMs: number, days: number): number {
  return Math.floor((fromMs + days * DAY_MS) / 1000);
}

/** Milliseconds of an ISO time or YYYY-MM-DD day; throws a 400 on garbage. */
export function parseTime(kind: string, text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new AppError('INVALID_TIME', `invalid ${kind}`, { status: 400 });
  return ms;
}

/** Retention of each kind of data, in days (DESIGN.md "Store"). */
export const RETENTION_DAYS = Object.freeze({
  metrics: 30,
  costs: 365,
  findings: 90,
  recommendations: 180,
  usage: 400,
});
