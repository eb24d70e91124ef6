/**
 * Client-side routing over the History API. Same-origin link clicks anywhere (inside shadow
 * roots too) become pushState navigations; the back button fires `change` again.
 * Server paths (/api, /ops, /dev, /metrics) are left to the browser.
 */

const SERVER_PATHS = /^\/(api|ops|dev|metrics)(\/|$)/;

/** Events: `change` after every navigation (link, navigate(), back/forward). */
export class Router extends EventTarget {
  #started = false;

  get path(): string {
    return window.location.pathname;
  }

  get query(): URLSearchParams {
    return new URLSearchParams(window.location.search);
  }

  /** Go to `url` (a same-origin path with optional query); `replace` keeps history short. */
  navigate(url: string, options: { replace?: boolean } = {}): void {
    if (options.replace === true) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    this.dispatchEvent(new Event('change'));
  }

  /** Listen for link clicks and back/forward; idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    window.addEventListener('popstate', () => this.dispatchEvent(new Event('change')));
    document.addEventListener('click', (event) => this.#onClick(event));
  }

  #onClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (anchor === undefined || anchor.hasAttribute('download') || (anchor.target !== '' && anchor.target !== '_self')) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || SERVER_PATHS.test(url.pathname)) return;
    event.preventDefault();
    if (url.pathname + url.search !== window.location.pathname + window.location.search) this.navigate(url.pathname + url.search);
  }
}

/** The app's one router. */
export const router = new Router();
