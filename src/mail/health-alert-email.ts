/**
 * The alert email for AWS Health: an AWS service issue affecting one of the tenant's accounts
 * opened, or (for users who asked) scheduled maintenance affecting it was announced. Each item
 * names the service, region, event type, start time and the affected resources.
 */
import { html } from './html.js';
import { buttonHtml, htmlDocument, preferencesFooterHtml, preferencesFooterText, productName, type MailContext, type RenderedEmail } from './mail-layout.js';
import { mailLinks } from './mail-links.js';
import { oneLine, subjectLine } from './plain-text.js';

/** Affected resources listed per event; the rest are counted. */
const RESOURCES_SHOWN = 10;

/** One event as the email shows it. */
export interface HealthAlertItem {
  /** `issue`: an open AWS service issue; `scheduled`: scheduled maintenance. */
  kind: 'issue' | 'scheduled';
  /** AWS's service code, e.g. `EC2`. */
  service: string;
  /** E.g. `AWS_EC2_OPERATIONAL_ISSUE`. */
  eventTypeCode: string;
  /** `global` for events not tied to a region. */
  region: string;
  /** ISO-8601; absent when AWS gave none. */
  startTime?: string;
  /** The account's affected resources (ids or ARNs), as AWS Health lists them. */
  resources: string[];
  accountId: string;
  accountName?: string;
  /** The event's ARN (webhooks carry it; the email does not need it). */
  arn: string;
}

export interface HealthAlertData {
  tenantName: string;
  items: readonly HealthAlertItem[];
}

const when = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : 'start time not given');

/** `AWS_EC2_OPERATIONAL_ISSUE` reads as "EC2 operational issue" in a headline. */
export function healthHeadline(item: Pick<HealthAlertItem, 'kind' | 'service' | 'region'>): string {
  const what = item.kind === 'issue' ? 'AWS service issue' : 'Scheduled maintenance';
  return `${what}: ${oneLine(item.service)} in ${oneLine(item.region)}`;
}

function detailLines(item: HealthAlertItem): string[] {
  const account = oneLine(item.accountName ?? item.accountId);
  const shown = item.resources.slice(0, RESOURCES_SHOWN).map(oneLine);
  const more = item.resources.length - shown.length;
  return [
    `Event type: ${oneLine(item.eventTypeCode)} · account ${account}`,
    `Starts: ${when(item.startTime)}`,
    `Affected resources: ${shown.length > 0 ? `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}` : 'none listed by AWS Health'}`,
  ];
}

/** Render the AWS Health alert; one email for the events of a batch. */
export function renderHealthAlertEmail(ctx: MailContext, data: HealthAlertData): RenderedEmail {
  const product = productName(ctx);
  const links = mailLinks(ctx.publicUrl);
  const first = data.items[0];
  const issues = data.items.filter((i) => i.kind === 'issue').length;
  const subject = subjectLine(
    data.items.length === 1 && first ? `[${product}] ${healthHeadline(first)}` : `[${product}] ${data.items.length} AWS Health events${issues > 0 ? ` (${issues} open issue${issues === 1 ? '' : 's'})` : ''}`,
  );
  const tenant = oneLine(data.tenantName);
  const title = data.items.length === 1 ? 'AWS Health reports an event affecting your account' : `AWS Health reports ${data.items.length} events affecting your accounts`;
  const body = html`<h1 style="font-size:20px;margin:0 0 8px">${title}</h1>
<p style="margin:0 0 16px;color:#616e7c">${tenant}</p>
${data.items.map(
  (i) => html`<div style="margin:0 0 16px"><div style="font-weight:bold;color:${i.kind === 'issue' ? '#b91c1c' : '#92400e'}">${healthHeadline(i)}</div>
${detailLines(i).map((line) => html`<div>${line}</div>`)}</div>`,
)}
${buttonHtml(links.dashboard, 'Open the overview')}`;
  const text = [
    `${title} (${tenant})`,
    '',
    ...data.items.flatMap((i) => [`- ${healthHeadline(i)}`, ...detailLines(i).map((line) => `  ${line}`)]),
    '',
    `Open the overview: ${links.dashboard}`,
    '',
    preferencesFooterText(links, product),
  ].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body, footer: preferencesFooterHtml(links, product) }), text };
}
