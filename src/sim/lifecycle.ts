/**
 * Everything the simulator keeps waiting (latency timers, held "timeout" responses), so that
 * close() can end all of it and never leave the process alive.
 */
import type { ServerResponse } from 'node:http';

export class Lifecycle {
  private closedFlag = false;
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly held = new Set<ServerResponse>();

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Wait `ms`; resolves false when the simulator closed meanwhile. */
  delay(ms: number): Promise<boolean> {
    if (this.closedFlag) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(true);
      }, ms);
      this.timers.set(timer, () => resolve(false));
    });
  }

  /**
   * Never answer `res`: the client sees a timeout. The connection is dropped when the client
   * gives up, after `ms`, or at close().
   */
  hold(res: ServerResponse, ms: number): void {
    if (this.closedFlag) {
      res.destroy();
      return;
    }
    this.held.add(res);
    const release = () => {
      clearTimeout(timer);
      this.timers.delete(timer);
      this.held.delete(res);
    };
    const timer = setTimeout(() => {
      release();
      res.destroy();
    }, ms);
    // A held response must not keep a process alive on its own.
    timer.unref();
    this.timers.set(timer, () => undefined);
    res.once('close', release);
  }

  /** End every wait and drop every held response. Idempotent. */
  close(): void {
    this.closedFlag = true;
    for (const [timer, cancel] of this.timers) {
      clearTimeout(timer);
      cancel();
    }
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}
