/** The email that confirms a user's address (at signup and on an address change). */
import { html } from './html.js';
import { buttonHtml, htmlDocument, productName, type MailContext, type RenderedEmail } from './mail-layout.js';
import { mailLinks } from './mail-links.js';
import { oneLine, subjectLine } from './plain-text.js';

export interface VerificationEmailData {
  /** The one-time token (the store keeps only its hash). */
  token: string;
  /** How long the link stays valid. */
  expiresInHours: number;
  /** The organization the user signed up for, when known. */
  organization?: string;
}

/**
 * Render the verification email. It has no unsubscribe link: it is sent only because the user
 * asked for it, and turning it off would leave the account unusable.
 */
export function renderVerificationEmail(ctx: MailContext, data: VerificationEmailData): RenderedEmail {
  const product = productName(ctx);
  const link = mailLinks(ctx.publicUrl).verify(data.token);
  const org = data.organization === undefined ? undefined : oneLine(data.organization);
  const hours = `${data.expiresInHours} hour${data.expiresInHours === 1 ? '' : 's'}`;
  const subject = subjectLine(`Verify your email address for ${product}`);
  const body = html`<h1 style="font-size:20px;margin:0 0 16px">Confirm your email address</h1>
<p>${org ? html`Someone signed up for ${product} as <strong>${org}</strong> with this address.` : html`Someone asked to use this address for ${product}.`} If it was you, confirm it:</p>
${buttonHtml(link, 'Verify my email')}
<p style="font-size:13px;color:#616e7c">Or open this link: <a href="${link}">${link}</a><br>It expires in ${hours}. If you did not ask for this, ignore this email; nothing happens without the link.</p>`;
  const text = [
    'Confirm your email address',
    '',
    org ? `Someone signed up for ${product} as ${org} with this address.` : `Someone asked to use this address for ${product}.`,
    'If it was you, open this link to confirm it:',
    '',
    link,
    '',
    `It expires in ${hours}. If you did not ask for this, ignore this email; nothing happens without the link.`,
    '',
  ].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body }), text };
}
