/**
 * Every email the service sends goes through one queue that keeps to the SES account's sending
 * rate (sandbox: 1 email/s; AWS-FACTS.md) and retries a throttled send after a backoff that slows
 * the whole queue, since a throttle means the account's rate, not one message, was exceeded.
 * Other failures are the caller's to handle (the outbox retries later). With several instances
 * sharing a Redis, a `gate` (src/store/send-rate-gate.ts) hands out the account's slots to all of
 * them; without one, each instance keeps the rate on its own.
 */
import type { MailMessage, MailSender } from '../aws/index.js';
import { AppError, AwsCallError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import type { SendRateGate } from '../store/index.js';
import { systemMailClock, type CancelTimer, type MailClock } from './mail-clock.js';

export interface SendQueueOptions {
  sender: Pick<MailSender, 'send'>;
  log: Logger;
  /** Default: the system clock. */
  clock?: MailClock;
  /** Emails per second (the SES account's maximum send rate). Default 1. */
  ratePerSecond?: number;
  /** Sends in flight at once (each still waits for its slot). Default 4. */
  maxInFlight?: number;
  /** Retries of one email after SES throttled it. Default 3. */
  throttleRetries?: number;
  /** Backoff after a throttle: `minMs * 2^n` capped at `maxMs`. Default 1 s .. 30 s. */
  throttleBackoff?: { minMs: number; maxMs: number };
  /**
   * One send's time limit, counted from its turn: `beforeSend` (the outbox's lock renewal) and
   * the SES call together. Default 30 s. The outbox recovery's send grace rests on it: a send
   * never runs past this long after the lock renewal began.
   */
  sendTimeoutMs?: number;
  /**
   * The SES call is started only with at least this much of `sendTimeoutMs` left after
   * `beforeSend`; otherwise the email is deferred (`MAIL_SEND_DEFERRED`, the outbox retries it)
   * instead of being sent with too little time to finish. Default a third of `sendTimeoutMs`.
   */
  minSendMs?: number;
  /** Slots shared with the other instances (each send also takes one here). Default none: this instance's rate only. */
  gate?: SendRateGate;
}

export interface SendOptions {
  /** `high` goes before every `normal` email (verification links a user waits for). Default `normal`. */
  priority?: 'high' | 'normal';
  /**
   * Called when the email's turn comes, just before it is handed to SES; false skips it (the
   * promise rejects with `MAIL_SEND_SKIPPED`). The outbox renews its lock here.
   */
  beforeSend?: () => Promise<boolean>;
}

export interface SendQueue {
  /** Send at the account's rate; rejects with the sender's error, `MAIL_SEND_SKIPPED` or `MAIL_QUEUE_STOPPED`. */
  send(message: MailMessage, options?: SendOptions): Promise<{ messageId: string }>;
  /** Emails waiting for their turn. */
  readonly pending: number;
  /** Reject what waits, abort what is in flight. Idempotent. */
  stop(): Promise<void>;
}

interface Job {
  message: MailMessage;
  options: SendOptions;
  throttled: number;
  resolve(value: { messageId: string }): void;
  reject(error: unknown): void;
}

/** True when SES refused a send for the account's rate. */
export function isThrottled(error: unknown): boolean {
  return error instanceof AwsCallError && error.kind === 'throttled';
}

/** Create the queue. */
export function createSendQueue(options: SendQueueOptions): SendQueue {
  const clock = options.clock ?? systemMailClock;
  const rate = options.ratePerSecond ?? 1;
  if (!(rate > 0)) throw new AppError('INVALID_SEND_RATE', 'the send rate must be above 0');
  const spacingMs = 1_000 / rate;
  const maxInFlight = options.maxInFlight ?? 4;
  const retries = options.throttleRetries ?? 3;
  const backoff = options.throttleBackoff ?? { minMs: 1_000, maxMs: 30_000 };
  const timeoutMs = options.sendTimeoutMs ?? 30_000;
  const minSendMs = options.minSendMs ?? timeoutMs / 3;
  const log = options.log;

  const queue: Job[] = [];
  const inFlight = new Set<Promise<void>>();
  const aborts = new Set<AbortController>();
  let nextSlot = Number.NEGATIVE_INFINITY;
  /** The gate: a slot taken and not yet used, and whether one is being asked for. */
  let granted = !options.gate;
  let asking = false;
  let cancelTimer: CancelTimer | undefined;
  let stopped: Promise<void> | undefined;

  function arm(delayMs: number): void {
    cancelTimer?.();
    cancelTimer = clock.setTimer(() => {
      cancelTimer = undefined;
      pump();
    }, delayMs);
  }

  function pump(): void {
    while (!stopped && queue.length > 0 && inFlight.size < maxInFlight) {
      const now = clock.now();
      if (now < nextSlot) return arm(nextSlot - now);
      if (!granted) return askGate();
      if (options.gate) granted = false;
      const job = queue.shift() as Job;
      nextSlot = now + spacingMs;
      const running = run(job).finally(() => {
        inFlight.delete(running);
        pump();
      });
      inFlight.add(running);
    }
  }

  /** Ask the shared gate for a slot; pump again once it answers (now or after its wait). */
  function askGate(): void {
    if (asking || !options.gate) return;
    asking = true;
    options.gate.take().then(
      (waitMs) => {
        asking = false;
        if (waitMs <= 0) granted = true;
        else nextSlot = Math.max(nextSlot, clock.now() + waitMs);
        pump();
      },
      (error: unknown) => {
        // The gate keeps its own fallback; should it still fail, keep this instance's rate.
        asking = false;
        granted = true;
        log.warn({ err: { name: (error as Error).name } }, 'the shared send rate could not be asked; keeping this instance rate');
        pump();
      },
    );
  }

  /**
   * Abort at the deadline, but only after the event loop has had one more look at its sockets:
   * in a process that was stalled (CPU-starved), the deadline's timer and SES's answer become
   * due in the same turn, and timers run first. Aborting then would drop an answer that already
   * arrived, and the outbox would send an email SES had accepted a second time (seen at load 20
   * in the instances test). An answer that did not arrive is no more than one turn later aborted.
   */
  function abortAtDeadline(controller: AbortController, delayMs: number): CancelTimer {
    let turn: ReturnType<typeof setImmediate> | undefined;
    const cancel = clock.setTimer(() => {
      turn = setImmediate(() => {
        turn = setImmediate(() => controller.abort(new AppError('MAIL_SEND_TIMEOUT', 'the send timed out')));
      });
    }, delayMs);
    return () => {
      cancel();
      if (turn) clearImmediate(turn);
    };
  }

  async function run(job: Job): Promise<void> {
    const controller = new AbortController();
    aborts.add(controller);
    const turnAt = clock.now();
    let cancelTimeout: CancelTimer = () => {};
    try {
      if (job.options.beforeSend && !(await job.options.beforeSend())) {
        job.reject(new AppError('MAIL_SEND_SKIPPED', 'the email was no longer ours to send'));
        return;
      }
      const leftMs = timeoutMs - (clock.now() - turnAt);
      if (leftMs < minSendMs) {
        // The lock renewal took most of the budget (a loaded store): a send started now could
        // still be under way when another instance may adopt the item. Try again later.
        job.reject(new AppError('MAIL_SEND_DEFERRED', `only ${Math.round(leftMs)} ms of the send's time limit were left`));
        return;
      }
      cancelTimeout = abortAtDeadline(controller, leftMs);
      job.resolve(await options.sender.send(job.message, controller.signal));
    } catch (error) {
      if (isThrottled(error) && job.throttled < retries && !stopped) {
        job.throttled += 1;
        const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** (job.throttled - 1));
        // The account's rate was exceeded: every email waits, not only this one.
        nextSlot = Math.max(nextSlot, clock.now() + delay);
        log.warn({ attempt: job.throttled, delayMs: delay }, 'SES throttled a send; slowing down');
        queue.unshift(job);
      } else {
        job.reject(error);
      }
    } finally {
      cancelTimeout();
      aborts.delete(controller);
    }
  }

  return {
    send(message, sendOptions = {}) {
      if (stopped) return Promise.reject(new AppError('MAIL_QUEUE_STOPPED', 'the mail queue is stopped'));
      return new Promise((resolve, reject) => {
        const job: Job = { message, options: sendOptions, throttled: 0, resolve, reject };
        if (sendOptions.priority === 'high') {
          const firstNormal = queue.findIndex((j) => j.options.priority !== 'high');
          queue.splice(firstNormal < 0 ? queue.length : firstNormal, 0, job);
        } else {
          queue.push(job);
        }
        pump();
      });
    },
    get pending() {
      return queue.length;
    },
    stop() {
      stopped ??= (async () => {
        cancelTimer?.();
        for (const job of queue.splice(0)) job.reject(new AppError('MAIL_QUEUE_STOPPED', 'the mail queue is stopped'));
        for (const controller of aborts) controller.abort(new AppError('MAIL_QUEUE_STOPPED', 'the mail queue is stopped'));
        await Promise.allSettled([...inFlight]);
      })();
      return stopped;
    },
  };
}
