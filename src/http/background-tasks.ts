/**
 * Work a request starts but does not wait for (sending an email after answering, so the answer
 * takes as long whether or not the address exists). Failures are logged; `drain` waits for
 * what is in flight, so shutdown and tests leave nothing running.
 */
import type { Logger } from '../log.js';

/** Fire-and-track work started by requests. */
export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Start `task` now; its failure is logged under `what`, never thrown. */
  run(what: string, task: () => Promise<void>): void {
    const promise: Promise<void> = Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.#log.error({ err: error, task: what }, 'background task failed');
      })
      .finally(() => this.#running.delete(promise));
    this.#running.add(promise);
  }

  /** Tasks in flight. */
  get size(): number {
    return this.#running.size;
  }

  /** Resolve once every task started so far (and any they start) has ended. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
