/**
 * Who may call the operator routes: the holder of OPERATOR_TOKEN (Bearer, compared in constant
 * time over SHA-256 digests, so neither content nor length leaks), or — only when no token is
 * configured — a client on the loopback interface that did not come through a proxy.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { clientError } from './problem.js';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when the TCP peer is loopback and no proxy header says it relays someone else. */
export function isLoopbackClient(ctx: Koa.Context): boolean {
  const address = ctx.req.socket.remoteAddress ?? '';
  return LOOPBACK.test(address) && ctx.get('x-forwarded-for') === '' && ctx.get('forwarded') === '';
}

/** The operator's standing on a request: `granted`, or why not. */
export type OperatorStanding = 'granted' | 'missing' | 'wrong' | 'not-loopback';

/** Decide without throwing (GET /ops/health answers everyone, with detail only when granted). */
export function operatorStanding(ctx: Koa.Context, token: string | undefined): OperatorStanding {
  if (!token) return isLoopbackClient(ctx) ? 'granted' : 'not-loopback';
  const header = ctx.get('authorization');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return 'missing';
  return timingSafeEqual(digest(match[1]), digest(token)) ? 'granted' : 'wrong';
}

/** Middleware: 401 (missing or wrong token) or 403 (no token configured, not loopback). */
export function requireOperator(token: string | undefined): Koa.Middleware {
  return async (ctx, next) => {
    const standing = operatorStanding(ctx, token);
    if (standing === 'not-loopback') {
      throw clientError(403, 'OPERATOR_LOOPBACK_ONLY', 'without OPERATOR_TOKEN the operator routes answer local clients only');
    }
    if (standing !== 'granted') {
      throw clientError(401, 'OPERATOR_UNAUTHORIZED', 'a valid operator Bearer token is required', { 'WWW-Authenticate': 'Bearer realm="operator"' });
    }
    return next();
  };
}
