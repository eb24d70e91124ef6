/**
 * Runs a callback every `everyMs` while its host is connected and the tab is visible. Hidden tabs
 * do not poll; when the tab comes back, a poll that fell due while hidden runs at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class PollController implements ReactiveController {
  readonly #tick: () => void;
  readonly #everyMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastAt = Date.now();
  readonly #onVisibility = () => this.#visibilityChanged();

  /** `tick` is usually `() => task.run()`; the first run is the task's own, not ours. */
  constructor(host: ReactiveControllerHost, everyMs: number, tick: () => void) {
    this.#everyMs = everyMs;
    this.#tick = tick;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#lastAt = Date.now();
    this.#schedule();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Start the interval over, e.g. after the user refreshed by hand. */
  reset(): void {
    this.#lastAt = Date.now();
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (document.hidden) return;
    const wait = Math.max(0, this.#lastAt + this.#everyMs - Date.now());
    this.#timer = setTimeout(() => this.#run(), wait);
  }

  #run(): void {
    this.#lastAt = Date.now();
    this.#tick();
    this.#schedule();
  }

  #visibilityChanged(): void {
    if (document.hidden) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    } else {
      this.#schedule();
    }
  }
}
