import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import { ApiError } from '../api/api-error.js';
import { authApi } from '../api/auth-api.js';
import { metaApi } from '../api/meta-api.js';
import { SESSION_EXPIRED_EVENT } from '../api/http.js';
import { router } from '../lib/router.js';
import { ROUTES, routeOf } from '../lib/routes.js';
import { session } from '../lib/session.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { shellStyles } from '../styles/shell-styles.js';
import './problem-alert.js';

/**
 * The application: header with navigation and the signed-in user, and the page of the current
 * route. Pages that need a session send the user to /login?next=… when there is none, and back
 * afterwards; a 401 from any call does the same ("your session has ended").
 */
@customElement('ch-app')
export class ChApp extends LitElement {
  static override styles = [sharedStyles, shellStyles];

  @state() private menuOpen = false;
  @state() private loadError: unknown;
  @query('main') private main!: HTMLElement;
  #lastPath = '';

  #me = new Task(this, {
    task: async (_args, { signal }) => {
      try {
        return await authApi.me(signal);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    args: () => [] as const,
    onComplete: (me) => session.set(me),
  });

  // A failed /api/meta only costs the banner; it never blocks the page.
  #meta = new Task(this, { task: ([], { signal }) => metaApi.meta(signal).catch(() => undefined), args: () => [] as const });

  readonly #onRoute = () => {
    this.menuOpen = false;
    this.requestUpdate();
  };
  readonly #onSession = () => this.requestUpdate();
  readonly #onExpired = () => {
    // only a session that existed can end; a first visit's 401 is handled in updated()
    if (session.me === null) return;
    session.set(null);
    const here = router.path + window.location.search;
    if (routeOf(router.path)?.auth === true) router.navigate(`/login?next=${encodeURIComponent(here)}&reason=expired`, { replace: true });
  };

  override connectedCallback(): void {
    super.connectedCallback();
    router.start();
    router.addEventListener('change', this.#onRoute);
    session.addEventListener('change', this.#onSession);
    window.addEventListener(SESSION_EXPIRED_EVENT, this.#onExpired);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    router.removeEventListener('change', this.#onRoute);
    session.removeEventListener('change', this.#onSession);
    window.removeEventListener(SESSION_EXPIRED_EVENT, this.#onExpired);
  }

  override render() {
    const route = routeOf(router.path);
    const me = session.me;
    const known = me !== null || this.#me.status === TaskStatus.COMPLETE || this.#me.status === TaskStatus.ERROR;
    return html`<a class="skip" href="#main" @click=${this.#skip}>Skip to content</a>
      <header>
        <a class="brand" href="/">Cloud Health</a>
        ${!known
          ? nothing
          : me === null
          ? html`<nav aria-label="Account" class="public"><a href="/login">Log in</a><a href="/signup">Sign up</a></nav>`
          : html`<button class="secondary menu" aria-expanded=${this.menuOpen} aria-controls="nav" @click=${() => (this.menuOpen = !this.menuOpen)}>Menu</button>
              <nav id="nav" aria-label="Main" class=${this.menuOpen ? 'open' : ''}>
                ${ROUTES.filter((r) => r.nav).map((r) => html`<a href=${r.path} aria-current=${r === route ? 'page' : 'false'}>${r.title}</a>`)}
              </nav>
              <div class="user ${this.menuOpen ? 'open' : ''}">
                ${me.memberships.length > 1
                  ? html`<select aria-label="Organization" data-testid="org-switcher" title=${me.user.email} @change=${this.#switch}>
                      ${me.memberships.map((m) => html`<option value=${m.tenantId} ?selected=${m.current}>${m.name} (${m.role})</option>`)}
                    </select>`
                  : html`<span class="who" title=${me.user.email}>${me.tenant.name}</span>`}
                <button class="secondary" @click=${this.#logout} data-testid="logout">Log out</button>
              </div>`}
      </header>
      ${this.#meta.value?.mode === 'demo'
        ? html`<p class="demo-banner" role="note" data-testid="demo-banner">
            <strong>Demo mode</strong>: AWS accounts and their data are simulated, and emails are kept in the <a href="/outbox">demo outbox</a> instead of being sent.
          </p>`
        : nothing}
      ${me?.mfaEnrolmentRequired === true && route?.path !== '/settings'
        ? html`<p class="demo-banner" role="alert" data-testid="mfa-enrolment-banner">${me.tenant.name} requires two-factor sign-in. <a href="/settings">Turn it on in Settings</a> to continue.</p>`
        : nothing}
      <main id="main" tabindex="-1">${this.#page(route)}</main>`;
  }

  #page(route: ReturnType<typeof routeOf>) {
    if (route === undefined) {
      return html`<div class="card" data-testid="not-found"><h1>Page not found</h1><p>There is nothing at ${router.path}.</p><a href="/">Go to the overview</a></div>`;
    }
    if (this.loadError !== undefined) {
      return html`<ch-problem-alert .error=${this.loadError}></ch-problem-alert><button @click=${() => window.location.reload()}>Reload the page</button>`;
    }
    if (!route.auth) return route.render(router.query);
    if (session.me !== null) return route.render(router.query);
    return renderTask(this.#me, () => html`<p class="loading">Redirecting to log in…</p>`, { what: 'your session' });
  }

  protected override willUpdate(): void {
    const route = routeOf(router.path);
    document.title = `${route?.title ?? 'Not found'} · Cloud Health`;
    route?.load().catch((error: unknown) => {
      // a chunk gone after a deploy, or the network: say so instead of a blank page
      this.loadError = error instanceof ApiError ? error : new ApiError(0, 'NETWORK', 'The page could not be loaded.', undefined, { cause: error });
    });
  }

  protected override updated(): void {
    const route = routeOf(router.path);
    if (route?.auth === true && this.#me.status === TaskStatus.COMPLETE && session.me === null) {
      router.navigate(`/login?next=${encodeURIComponent(router.path + window.location.search)}`, { replace: true });
      return;
    }
    if ((route?.path === '/login' || route?.path === '/signup') && session.me !== null) {
      router.navigate('/', { replace: true });
      return;
    }
    const path = router.path + window.location.search;
    if (this.#lastPath !== '' && this.#lastPath !== path) {
      // a new page: start at its top, and let keyboard and screen-reader users start there too
      window.scrollTo(0, 0);
      this.main.focus({ preventScroll: true });
    }
    this.#lastPath = path;
  }

  #skip(event: Event): void {
    event.preventDefault();
    this.main.focus();
  }

  /** Another organization: a new session there; every page reloads its data for it. */
  readonly #switch = async (event: Event): Promise<void> => {
    const select = event.target as HTMLSelectElement;
    try {
      const me = await authApi.switchOrganization(select.value);
      session.set(me);
      // Every page's data belongs to the old organization: start over from a fresh page load.
      window.location.assign(me.mfaEnrolmentRequired ? '/settings' : '/');
    } catch (error) {
      this.loadError = error;
    }
  };

  async #logout(): Promise<void> {
    try {
      await authApi.logout();
    } finally {
      session.set(null);
      router.navigate('/login');
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-app': ChApp;
  }
}
