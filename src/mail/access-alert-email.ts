/**
 * The email to an account's owners when AWS refuses its identity or a permission goes missing,
 * and when it works again: what stopped, what still runs, and what to do.
 */
import { html } from './html.js';
import { buttonHtml, htmlDocument, productName, type MailContext, type RenderedEmail } from './mail-layout.js';
import { mailLinks } from './mail-links.js';
import { oneLine, subjectLine } from './plain-text.js';

/** One transition as the email shows it. */
export interface AccessAlertItem {
  state: 'broken' | 'recovered';
  kind: 'identity' | 'permission';
  accountName: string;
  awsAccountId?: string;
  /** The missing IAM action (permission). */
  action?: string;
  regions: string[];
  /** ISO-8601: when the problem began. */
  since: string;
}

export interface AccessAlertData {
  tenantName: string;
  items: readonly AccessAlertItem[];
}

function headline(item: AccessAlertItem): string {
  const account = oneLine(item.accountName);
  if (item.kind === 'identity') {
    return item.state === 'broken' ? `AWS refused access to account ${account}` : `Access to account ${account} works again`;
  }
  const action = oneLine(item.action ?? 'an action');
  return item.state === 'broken' ? `Account ${account} is missing permission ${action}` : `Permission ${action} works again on account ${account}`;
}

function detail(item: AccessAlertItem): string {
  const where = item.regions.length > 0 ? ` (${item.regions.map(oneLine).join(', ')})` : '';
  if (item.state === 'recovered') return 'Collection has resumed.';
  if (item.kind === 'identity') {
    return 'Collection for this account has stopped. Check the IAM role\'s trust policy and ExternalId (or the access keys), then update the account in Cloud Health.';
  }
  return `What needs it has stopped${where}; everything else keeps running. Add the action to the role's permission policy (or enable the feature it needs), then run the permission check on the account.`;
}

/** Render the access alert; one email for the transitions of a batch. */
export function renderAccessAlertEmail(ctx: MailContext, data: AccessAlertData): RenderedEmail {
  const product = productName(ctx);
  const links = mailLinks(ctx.publicUrl);
  const first = data.items[0];
  const subject = subjectLine(data.items.length === 1 && first ? `[${product}] ${headline(first)}` : `[${product}] ${data.items.length} account access changes`);
  const tenant = oneLine(data.tenantName);
  const body = html`<h1 style="font-size:20px;margin:0 0 8px">Account access</h1>
<p style="margin:0 0 16px;color:#616e7c">${tenant}</p>
${data.items.map((i) => html`<div style="margin:0 0 16px"><div style="font-weight:bold">${headline(i)}</div><div>${detail(i)}</div></div>`)}
${buttonHtml(links.accounts, 'Open accounts')}`;
  const text = [
    `Account access (${tenant})`,
    '',
    ...data.items.flatMap((i) => [`- ${headline(i)}`, `  ${detail(i)}`]),
    '',
    `Open accounts: ${links.accounts}`,
    '',
    `--\nYou receive this email because you own this ${product} organisation.\n`,
  ].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body }), text };
}
