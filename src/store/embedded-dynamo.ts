/**
 * The embedded DynamoDB: dynalite on LevelDB under DATA_DIR, served in-process on a random
 * loopback port, so demo mode and tests use the real SDK and wire protocol, as production does.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { AppError } from '../domain/errors.js';

/** A running embedded DynamoDB. */
export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Stop serving and close LevelDB (waits for pending writes). Idempotent. */
  close(): Promise<void>;
}

/**
 * Where a running embedded DynamoDB writes its endpoint: LevelDB allows one process per
 * directory, so `cli.js backup` exports a running service's tables through this endpoint.
 */
export function endpointFileOf(path: string): string {
  return `${path}.endpoint`;
}

/** Start dynalite with its LevelDB files in `path` (created when missing). */
export async function startEmbeddedDynamo(options: { path: string }): Promise<EmbeddedDynamo> {
  await mkdir(options.path, { recursive: true });
  // Tables become ACTIVE at once: the 500 ms default only imitates AWS's provisioning delay.
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // dynalite keeps working on a request whose client went away (an aborted call); closing LevelDB
  // under it throws an uncaught error in this process. So close waits for every response to end.
  let inFlight = 0;
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    inFlight += 1;
    const end = response.end.bind(response);
    response.end = ((...args: Parameters<ServerResponse['end']>) => {
      inFlight -= 1;
      return end(...args);
    }) as ServerResponse['end'];
  });
  let closing: Promise<void> | undefined;
  const endpoint = `http://127.0.0.1:${port}`;
  await writeFile(endpointFileOf(options.path), endpoint, { mode: 0o600 });
  return {
    endpoint,
    close() {
      closing ??= (async () => {
        await rm(endpointFileOf(options.path), { force: true });
        for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 10) await delay(10);
        await new Promise<void>((resolve, reject) => {
          // Keep-alive sockets of a destroyed client would otherwise hold the server open.
          server.closeAllConnections();
          server.close((error?: Error) =>
            error ? reject(new AppError('EMBEDDED_DYNAMO_CLOSE', 'embedded DynamoDB did not close cleanly', { cause: error })) : resolve(),
          );
        });
      })();
      return closing;
    },
  };
}
