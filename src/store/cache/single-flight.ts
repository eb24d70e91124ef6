/**
 * Merges simultaneous loads of one key: the first caller runs the load, the others wait for the
 * same promise. A cache stampede (50 requests missing at once after an invalidation) costs one
 * store read instead of 50.
 *
 * Cancellation is shared, not per caller: a caller's `signal` only stops that caller waiting
 * (it rejects with the signal's reason at once). The load itself gets its own signal, aborted
 * only when every caller that joined it has aborted; a caller without a signal (a background
 * refresh, a job, mail) keeps the load alive to the end. So one client that disconnects never
 * cancels a read another request is waiting for, and a read nobody waits for any more stops.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** The running load of `key`, or a new one from `load`; `signal` cancels this caller's wait. */
  run(key: string, load: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let flight = this.#flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const started: Flight<T> = { controller, waiting: 0, pinned: false, promise: Promise.resolve() as Promise<never> };
      started.promise = (async () => {
        try {
          return await load(controller.signal);
        } finally {
          if (this.#flights.get(key) === started) this.#flights.delete(key);
        }
      })();
      this.#flights.set(key, started);
      flight = started;
    }
    return join(flight, signal, () => {
      // Abandoned: the next caller starts a fresh load rather than join an aborted one.
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    });
  }

  /** True while a load of `key` runs. */
  has(key: string): boolean {
    return this.#flights.has(key);
  }
}

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  /** Callers with a signal that has not aborted. */
  waiting: number;
  /** A caller without a signal joined: the load runs to the end. */
  pinned: boolean;
}

function join<T>(flight: Flight<T>, signal: AbortSignal | undefined, abandoned: () => void): Promise<T> {
  if (!signal) {
    flight.pinned = true;
    return flight.promise;
  }
  flight.waiting += 1;
  return new Promise<T>((resolve, reject) => {
    const leave = () => {
      flight.waiting -= 1;
      if (flight.waiting === 0 && !flight.pinned) {
        abandoned();
        flight.controller.abort(signal.reason);
      }
      reject(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    flight.promise.then(
      (value) => {
        signal.removeEventListener('abort', leave);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', leave);
        reject(error);
      },
    );
  });
}
