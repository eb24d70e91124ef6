/**
 * A walk over the tenants that runs at start and then on a timer: one run at a time (a second
 * call joins the running one), a failure logged and counted as 0, and an idempotent stop that
 * cancels the timer, aborts the run and waits for it. The digest scheduler and the outbox
 * recovery are both this, with different walks and delays.
 */
import type { Logger } from '../log.js';
import type { CancelTimer, MailClock } from './mail-clock.js';
import { failureCode } from './failure-code.js';

export interface PeriodicWalkOptions {
  clock: MailClock;
  log: Logger;
  /** Logged when a run fails. */
  failureMessage: string;
  /** Delay from `now` to the next run. */
  delayToNext(now: number): number;
  /** One run; `signal` aborts on stop. Resolves with a count (digests queued, items adopted...). */
  run(signal: AbortSignal): Promise<number>;
}

export interface PeriodicWalk {
  /** Run now (in the background) and then on the timer. */
  start(): void;
  /** Run now, or join the run in progress. */
  run(): Promise<number>;
  /** Stop the timer, abort a run and wait for it. Idempotent. */
  stop(): Promise<void>;
}

export function createPeriodicWalk(options: PeriodicWalkOptions): PeriodicWalk {
  const { clock, log } = options;
  const abort = new AbortController();
  let running: Promise<number> | undefined;
  let cancelTimer: CancelTimer | undefined;
  let stopped: Promise<void> | undefined;

  function run(): Promise<number> {
    running ??= options
      .run(abort.signal)
      .catch((error: unknown) => {
        if (!abort.signal.aborted) log.warn({ code: failureCode(error) }, options.failureMessage);
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  }

  function arm(): void {
    cancelTimer = clock.setTimer(() => {
      if (stopped) return;
      void run().finally(() => {
        if (!stopped) arm();
      });
    }, options.delayToNext(clock.now()));
  }

  return {
    start() {
      if (stopped) return;
      void run();
      arm();
    },
    run,
    stop() {
      stopped ??= (async () => {
        cancelTimer?.();
        abort.abort();
        await running;
      })();
      return stopped;
    },
  };
}
