/**
 * The process's side of a stop: SIGTERM or SIGINT stops the service within its deadline and the
 * process exits 0; a second signal, or a stop that outlives deadline + flush + a margin, exits 1
 * at once. Handlers are added here and removed once the service stopped.
 */
import type { Logger } from '../log.js';

export interface StopOnSignalOptions {
  /** The service's stop (idempotent). */
  stop: () => Promise<void>;
  /** How long the whole stop may take before the process gives up and exits 1 (ms). */
  giveUpAfterMs: number;
  log: Logger;
  /** Default `process.exit`. */
  exit?: (code: number) => void;
}

/** Once the service stopped, how long the process may take to exit by itself before it is made to. */
const EXIT_GRACE_MS = 2_000;

/** Stop on SIGTERM/SIGINT. */
export function stopOnSignal(options: StopOnSignalOptions): void {
  const { log } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    log.info({ signal, giveUpAfterMs: options.giveUpAfterMs }, 'stopping');
    const guard = setTimeout(() => {
      log.error({ handles: process.getActiveResourcesInfo() }, 'stop took too long: exiting');
      exit(1);
    }, options.giveUpAfterMs);
    guard.unref();
    options.stop().then(
      () => {
        clearTimeout(guard);
        log.info('stopped');
        process.removeListener('SIGTERM', onSignal);
        process.removeListener('SIGINT', onSignal);
        // Everything was closed and flushed: a socket some library keeps open must not turn a
        // clean stop into a SIGKILL from systemd, so exit 0 if the event loop does not empty.
        const lingering = setTimeout(() => {
          log.warn({ handles: process.getActiveResourcesInfo() }, 'stopped, but something kept the process alive: exiting');
          exit(0);
        }, EXIT_GRACE_MS);
        lingering.unref();
      },
      (error: unknown) => {
        clearTimeout(guard);
        log.error({ err: error }, 'stop failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
