/**
 * POST to a tenant-supplied URL without letting it reach inside our network (SSRF):
 * - https only, no credentials in the URL; redirects are not followed (a 3xx is a failure);
 * - the host name is resolved first and every address it resolves to must be public
 *   (address-policy.ts); the connection then goes to the address that was checked (the
 *   request's own `lookup`), so a DNS answer that changes between check and connect (rebinding)
 *   cannot slip a private address in. An IP literal is checked as it is.
 * - one deadline for connect + TLS + response, and a cap on the response read (the body is
 *   drained and dropped; only the status matters).
 * `allowPrivate` (CHANNEL_ALLOW_PRIVATE_TARGETS) lifts the address check for tests and closed
 * networks; the other rules still hold.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ChannelError } from './channel-error.js';
import { forbiddenRange, isIpLiteral } from './address-policy.js';

/** What a receiver answered (2xx only; anything else throws a `ChannelError`). */
export interface PostResult {
  status: number;
}

/** POST `body` to `url` with `headers`. */
export type ChannelPost = (url: string, body: string, headers: Record<string, string>, signal?: AbortSignal) => Promise<PostResult>;

export interface GuardedPostOptions {
  /** Allow private, loopback and link-local targets (tests). Default false. */
  allowPrivate?: boolean;
  /** Deadline of one request, connect to last byte. Default 10 s. */
  timeoutMs?: number;
  /** Response bytes read at most; past this the connection is dropped. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Extra trusted CA certificates (tests with a self-signed receiver). Default the system's. */
  ca?: string | Buffer;
  /** DNS resolution. Default `dns.lookup` (the system resolver, as any client would). */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

const defaultResolve = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** Parse and check a channel URL's form (not its addresses): https, no credentials, a host. */
export function checkUrlForm(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ChannelError('CHANNEL_URL_INVALID', 'not a URL');
  }
  if (url.protocol !== 'https:') throw new ChannelError('CHANNEL_URL_NOT_HTTPS', 'the URL must start with https://');
  if (url.username || url.password) throw new ChannelError('CHANNEL_URL_INVALID', 'the URL must not hold a user name or password');
  if (!url.hostname) throw new ChannelError('CHANNEL_URL_INVALID', 'the URL has no host');
  return url;
}

/** The checked addresses of `host`: all must be public unless `allowPrivate`. */
export async function resolveTarget(host: string, options: Pick<GuardedPostOptions, 'allowPrivate' | 'resolve'>): Promise<LookupAddress[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const addresses = isIpLiteral(bare) ? [{ address: bare, family: bare.includes(':') ? 6 : 4 }] : await (options.resolve ?? defaultResolve)(bare).catch((error: unknown) => {
    throw new ChannelError('CHANNEL_DNS_FAILED', 'the host name could not be resolved', { cause: error });
  });
  if (addresses.length === 0) throw new ChannelError('CHANNEL_DNS_FAILED', 'the host name has no address');
  if (!options.allowPrivate) {
    // Every address, not just the first: a name that also resolves inside is refused.
    for (const { address } of addresses) {
      const range = forbiddenRange(address);
      if (range) throw new ChannelError('CHANNEL_TARGET_FORBIDDEN', `the URL points to a ${range} address`);
    }
  }
  return addresses;
}

/** A `ChannelPost` that enforces the rules above. */
export function createGuardedPost(options: GuardedPostOptions = {}): ChannelPost {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;

  return async (raw, body, headers, signal) => {
    const url = checkUrlForm(raw);
    const addresses = await resolveTarget(url.hostname, options);
    const first = addresses[0]!;
    // Connect to the addresses checked above (all of them for Node's happy eyeballs), never to a
    // second resolution of the name.
    const pinned: LookupFunction = (_host, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
    };
    return new Promise<PostResult>((resolve, reject) => {
      const timer = setTimeout(() => req.destroy(new ChannelError('CHANNEL_TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
      const onAbort = () => req.destroy(new ChannelError('CHANNEL_ABORTED', 'the delivery was stopped'));
      const done = (fn: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      const req = request(
        {
          method: 'POST',
          host: hostname,
          // SNI and certificate check on the name (never on an IP literal, which SNI forbids).
          ...(isIpLiteral(hostname) ? {} : { servername: hostname }),
          port: url.port || 443,
          path: `${url.pathname}${url.search}`,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'CloudHealth-Alerts/1', ...headers },
          lookup: pinned,
          agent: false,
          ...(options.ca ? { ca: options.ca } : {}),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > maxResponseBytes) res.destroy();
          });
          const finish = () =>
            done(() => {
              if (status >= 200 && status < 300) resolve({ status });
              else if (status >= 300 && status < 400) reject(new ChannelError('CHANNEL_REDIRECT', `the receiver answered ${status} (redirects are not followed)`, { httpStatus: status }));
              else reject(new ChannelError('CHANNEL_HTTP_STATUS', `the receiver answered ${status}`, { httpStatus: status }));
            });
          res.on('end', finish);
          res.on('close', finish);
          res.on('error', finish);
        },
      );
      req.on('error', (error) => done(() => reject(error instanceof ChannelError ? error : new ChannelError('CHANNEL_CONNECT_FAILED', 'the receiver could not be reached', { cause: error }))));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  };
}
