/**
 * Who is signed in, as far as the page knows. The `sid` cookie is HttpOnly, so the truth is
 * GET /api/me; this caches its answer and tells listeners when it changes.
 */
import type { Me } from '../api/types.js';

/** Events: `change` whenever `me` is set or cleared. */
export class Session extends EventTarget {
  #me: Me | null = null;

  /** The signed-in user, or null. */
  get me(): Me | null {
    return this.#me;
  }

  set(me: Me | null): void {
    this.#me = me;
    this.dispatchEvent(new Event('change'));
  }
}

/** The page's one session. */
export const session = new Session();
