/**
 * A tiny `html` tagged template that escapes every interpolated value unless it is already
 * `SafeHtml` (the output of `html` itself, or a fragment the caller vouches for with `raw`).
 * Templates are built only with it, so no AWS- or user-supplied text can become markup.
 */

/** Markup that is safe to insert as-is. Only `html` and `raw` make one; JSON from AWS never is one. */
export class SafeHtml {
  readonly #markup: string;

  constructor(markup: string) {
    this.#markup = markup;
  }

  /** The markup. */
  toString(): string {
    return this.#markup;
  }
}

/** What may be interpolated: text (escaped), numbers, safe fragments, lists of them; null/undefined/false render nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** Vouch for a trusted fragment (a constant, never data). */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * The tag: `html\`<p>${title}</p>\`` escapes `title`. Attribute values must be quoted in the
 * template, and an `href` must come from `mailLinks`: escaping keeps data inside the attribute
 * but cannot make a `javascript:` URL harmless.
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}
