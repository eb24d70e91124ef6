/**
 * The JSON body reader: written here rather than taken from a package because the few rules
 * that matter are the API's own — a hard size limit checked before and while reading (413),
 * JSON only (415), strict UTF-8 and JSON syntax (400 MALFORMED_JSON) — each with a stable code.
 */
import type Koa from 'koa';
import { clientError } from './problem.js';

/** Default largest body accepted: 64 KiB (the largest legitimate request is well under 4 KiB). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

function tooLarge(limit: number) {
  // The rest of the body is not read: close the connection rather than drain it.
  return clientError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`, { Connection: 'close' });
}

function hasBody(req: Koa.Request): boolean {
  const length = req.get('content-length');
  if (length !== '') return Number(length) > 0;
  return req.get('transfer-encoding') !== '';
}

/** True for `application/json` and `application/*+json`, any parameters. */
export function isJsonType(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

async function readLimited(ctx: Koa.Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      ctx.req.pause();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Parse JSON bodies of POST, PUT and PATCH into `ctx.state.body` (undefined when there is no
 * body; the route's schema decides whether one is needed).
 */
export function jsonBody(options: { limit?: number } = {}): Koa.Middleware {
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const read = async (ctx: Koa.Context, next: Koa.Next) => {
    if (!isJsonType(ctx.get('content-type'))) {
      throw clientError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
    const raw = await readLimited(ctx, limit);
    if (raw.length > 0) {
      let text: string;
      try {
        text = decoder.decode(raw);
      } catch {
        throw clientError(400, 'MALFORMED_JSON', 'the body is not valid UTF-8');
      }
      try {
        ctx.state.body = JSON.parse(text) as unknown;
      } catch {
        throw clientError(400, 'MALFORMED_JSON', 'the body is not valid JSON');
      }
    }
    return next();
  };
  // Not async itself: a request without a body (every GET) costs no extra promise.
  return (ctx, next) => (WITH_BODY.has(ctx.method) && hasBody(ctx.request) ? read(ctx, next) : next());
}
