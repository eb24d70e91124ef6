/**
 * How every fetch renders: a loading line the first time, the data afterwards (kept on screen
 * with an "Updating…" note while a refresh runs), and on failure the error with a Retry button,
 * above the last data that did load, so a blip in a background refresh does not blank the page.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { TaskStatus, type Task } from '@lit/task';
import '../components/problem-alert.js';

type AnyTask<T> = Task<any, T>;

const lastGood = new WeakMap<object, unknown>();

export interface TaskViewOptions {
  /** What is loading, for the loading line: "Loading {what}…". */
  what: string;
}

/** Render `task` through `complete` with the loading, refreshing and error states. */
export function renderTask<T>(task: AnyTask<T>, complete: (value: T) => TemplateResult | typeof nothing, options: TaskViewOptions): TemplateResult {
  const status = task.status;
  if (status === TaskStatus.COMPLETE) lastGood.set(task, task.value);
  const value = (status === TaskStatus.COMPLETE || status === TaskStatus.PENDING ? task.value : undefined) ?? (lastGood.get(task) as T | undefined);
  const error =
    status === TaskStatus.ERROR
      ? html`<ch-problem-alert .error=${task.error} retryable @retry=${() => void task.run()}></ch-problem-alert>`
      : nothing;
  if (value === undefined) {
    if (status === TaskStatus.ERROR) return error as TemplateResult;
    return html`<p class="loading" role="status" data-testid="loading"><span class="spinner" aria-hidden="true"></span>Loading ${options.what}…</p>`;
  }
  const updating = status === TaskStatus.PENDING ? html`<p class="updating" data-testid="updating">Updating…</p>` : nothing;
  return html`${error}${updating}<div aria-busy=${status === TaskStatus.PENDING ? 'true' : 'false'}>${complete(value)}</div>`;
}
