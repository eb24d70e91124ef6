/**
 * The Host allow-list: a request must name this service in its Host header. A DNS-rebinding page
 * (evil.example re-pointed at 127.0.0.1) reaches the socket but still says `Host: evil.example`,
 * so refusing unknown hosts keeps it from reading /dev/outbox or calling loopback-only operator
 * routes. Allowed: the public URL's host name, the names in `allowedHosts` (ALLOWED_HOSTS), and in
 * demo mode the loopback names. The port is not compared: a rebinding attack controls the name,
 * not the port, and a proxy may or may not keep it.
 */
import type Koa from 'koa';
import { clientError } from './problem.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Options of `hostGuard`. */
export interface HostGuardOptions {
  publicUrl: string;
  /** Demo mode: the loopback names are allowed too. */
  allowLoopback: boolean;
  /** Further host names (e.g. the address a load balancer's health check uses). Default none. */
  allowedHosts?: readonly string[];
}

/** The host name of a Host header value, lower-cased, without the port; undefined when malformed. */
export function hostNameOf(host: string): string | undefined {
  if (host === '' || host.length > 255) return undefined;
  try {
    const url = new URL(`http://${host}`);
    // Anything beyond host[:port] (a path, credentials) means the header was not a Host value.
    if (url.host !== host.toLowerCase() && url.host !== host.toLowerCase().replace(/:80$/, '')) return undefined;
    return url.hostname;
  } catch {
    return undefined;
  }
}

/** Whether a Host header value names this service (the verdict `hostGuard` and fast-reads.ts act on). */
export function hostAcceptor(options: HostGuardOptions): (host: string) => boolean {
  const allowed = new Set<string>([new URL(options.publicUrl).hostname.toLowerCase()]);
  for (const name of options.allowedHosts ?? []) {
    const hostname = hostNameOf(name.trim());
    if (hostname) allowed.add(hostname);
  }
  if (options.allowLoopback) for (const name of LOOPBACK_NAMES) allowed.add(name);
  // Verdicts of Host values seen, so a request does not parse a URL; bounded, since any client
  // can send any Host (emptied when full: a flood of names costs parsing, never memory).
  const verdicts = new Map<string, boolean>();
  const accepts = (host: string): boolean => {
    let verdict = verdicts.get(host);
    if (verdict === undefined) {
      const hostname = hostNameOf(host);
      verdict = hostname !== undefined && allowed.has(hostname);
      if (verdicts.size >= 256) verdicts.clear();
      verdicts.set(host, verdict);
    }
    return verdict;
  };
  return accepts;
}

/** Refuse a request whose Host is not this service with 421 `MISDIRECTED_REQUEST` (RFC 9110 §15.5.20). */
export function hostGuard(options: HostGuardOptions): Koa.Middleware {
  const accepts = hostAcceptor(options);
  return (ctx, next) => {
    // Use the socket's Host, never X-Forwarded-Host: `ctx.host` would take the latter behind a proxy.
    // Liveness answers anyone (status only): a load balancer probes by address, not by name.
    if (!accepts(ctx.req.headers.host ?? '') && !(ctx.path === '/ops/health' && (ctx.method === 'GET' || ctx.method === 'HEAD'))) {
      throw clientError(421, 'UNKNOWN_HOST', 'this server does not answer for that host name');
    }
    return next();
  };
}
