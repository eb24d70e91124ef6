/** The frame every email shares: the HTML document and the footers with the preferences link. */
import { html, type SafeHtml } from './html.js';
import type { MailLinks } from './mail-links.js';

/** What every template needs besides its data. */
export interface MailContext {
  /** The service's public base URL (config PUBLIC_URL); every link is built from it. */
  publicUrl: string;
  /** Shown in subjects and headers. Default `Cloud Health`. */
  productName?: string;
}

/** A rendered email, ready for the sender. */
export interface RenderedEmail {
  /** One line, no CR/LF. */
  subject: string;
  html: string;
  text: string;
}

/** The product name of a context. */
export function productName(ctx: MailContext): string {
  return ctx.productName ?? 'Cloud Health';
}

/** Wrap a body in a minimal, inline-styled HTML document (mail clients ignore style sheets). */
export function htmlDocument(options: { title: string; product: string; body: SafeHtml; footer?: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${options.title}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933">
<div style="max-width:640px;margin:0 auto;background:#ffffff;padding:24px;border-radius:6px">
<p style="margin:0 0 16px;font-size:13px;color:#616e7c">${options.product}</p>
${options.body}
</div>
${options.footer}
</body>
</html>
`.toString();
}

/** The footer of every non-verification email: why they get it and where to turn it off. */
export function preferencesFooterHtml(links: MailLinks, product: string): SafeHtml {
  return html`<p style="max-width:640px;margin:16px auto 0;font-size:12px;color:#616e7c">You receive this email because of your ${product} notification settings. <a href="${links.preferences}" style="color:#616e7c">Unsubscribe or change your notification preferences</a>.</p>`;
}

/** The plain-text twin of the footer. */
export function preferencesFooterText(links: MailLinks, product: string): string {
  return `--\nYou receive this email because of your ${product} notification settings.\nUnsubscribe or change your notification preferences: ${links.preferences}\n`;
}

/** A button-like link. */
export function buttonHtml(href: string, label: string): SafeHtml {
  return html`<p style="margin:24px 0"><a href="${href}" style="display:inline-block;padding:10px 18px;background:#2563eb;color:#ffffff;text-decoration:none;border-radius:4px">${label}</a></p>`;
}
