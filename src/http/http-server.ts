/**
 * Serve an app on a host and port. `close()` is idempotent: it stops accepting, closes idle
 * keep-alive sockets at once, gives requests in flight a grace period, then cuts what is left
 * and releases the app's own resources (background work, event-loop monitor).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { closeApp, requestListener } from './app.js';

/** A listening server. */
export interface HttpServer {
  /** e.g. `http://127.0.0.1:8080` (the actual port when 0 was asked for). */
  readonly url: string;
  readonly server: Server;
  /** Stop serving; resolves when every socket is closed. Idempotent. */
  close(): Promise<void>;
}

/** Where to listen and how long `close()` waits for requests in flight. */
export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** How long requests in flight may finish after `close()` (default 5,000 ms). */
  graceMs?: number;
}

/** Listen with `app`. */
export async function startHttpServer(app: Koa<any, any>, options: HttpServerOptions): Promise<HttpServer> {
  const server = createServer(requestListener(app));
  // Idle keep-alive connections live longer than a load balancer's (ALB: 60 s), so the balancer,
  // not the server, closes them: otherwise a request sent on a socket the server is just closing
  // fails with ECONNRESET (Node's default is 5 s). Headers must be allowed a little longer still.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 5_000);
        timer.unref();
        await closed;
        clearTimeout(timer);
        await closeApp(app as Koa);
      })();
      return closing;
    },
  };
}
