/**
 * Merges simultaneous loads of one key: the first caller runs the load, the others wait for the
 * same promise. A cache stampede (50 requests missing at once after an invalidation) costs one
 * store read instead of 50.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Promise<T>>();

  /** The running load of `key`, or a new one from `load`. */
  run(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.#flights.get(key);
    if (running) return running;
    const flight = (async () => {
      try {
        return await load();
      } finally {
        this.#flights.delete(key);
      }
    })();
    this.#flights.set(key, flight);
    return flight;
  }

  /** True while a load of `key` runs. */
  has(key: string): boolean {
    return this.#flights.has(key);
  }
}
