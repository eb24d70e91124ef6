/**
 * The alert email for CloudWatch alarms: an alarm entered ALARM (and, for users who asked, one
 * returned to OK). Each item links to its metric's chart on the metrics page.
 */
import { html } from './html.js';
import {
  buttonHtml,
  htmlDocument,
  preferencesFooterHtml,
  preferencesFooterText,
  productName,
  type MailContext,
  type RenderedEmail,
} from './mail-layout.js';
import { mailLinks } from './mail-links.js';
import { oneLine, subjectLine } from './plain-text.js';

/** One transition as the email shows it. */
export interface AlarmAlertItem {
  state: 'fired' | 'recovered';
  name: string;
  accountId: string;
  accountName?: string;
  region: string;
  namespace?: string;
  metricName?: string;
  /** E.g. `GreaterThanThreshold`, with `threshold`. */
  comparison?: string;
  threshold?: number;
  /** CloudWatch's StateReason (shortened). */
  reason?: string;
  /** ISO-8601: when the state changed. */
  at: string;
}

export interface AlarmAlertData {
  tenantName: string;
  items: readonly AlarmAlertItem[];
}

const COMPARISON: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

function headline(item: AlarmAlertItem): string {
  const name = oneLine(item.name);
  return item.state === 'fired' ? `Alarm ${name} is in ALARM` : `Alarm ${name} is OK again`;
}

function where(item: AlarmAlertItem): string {
  const account = oneLine(item.accountName ?? item.accountId);
  const metric = item.metricName ? ` · ${oneLine(`${item.namespace ?? ''} ${item.metricName}`.trim())}` : '';
  const rule = item.threshold !== undefined && item.comparison ? ` ${COMPARISON[item.comparison] ?? oneLine(item.comparison)} ${item.threshold}` : '';
  return `${account} · ${oneLine(item.region)}${metric}${rule} · since ${item.at.replace('T', ' ').slice(0, 19)} UTC`;
}

/** The metrics page focused on the alarm's metric (the same query the dashboard's links use). */
function chartLink(base: string, item: AlarmAlertItem): string {
  const url = new URL('resource-metrics', base);
  url.searchParams.set('accountId', item.accountId);
  url.searchParams.set('region', item.region);
  if (item.namespace) url.searchParams.set('namespace', item.namespace);
  if (item.metricName) url.searchParams.set('metric', item.metricName);
  return url.href;
}

/** Render the alarm alert; one email for the transitions of a batch. */
export function renderAlarmAlertEmail(ctx: MailContext, data: AlarmAlertData): RenderedEmail {
  const product = productName(ctx);
  const links = mailLinks(ctx.publicUrl);
  const first = data.items[0];
  const fired = data.items.filter((i) => i.state === 'fired').length;
  const subject = subjectLine(
    data.items.length === 1 && first
      ? `[${product}] ${headline(first)}`
      : `[${product}] ${data.items.length} alarm changes${fired > 0 ? ` (${fired} in ALARM)` : ''}`,
  );
  const tenant = oneLine(data.tenantName);
  const title = data.items.length === 1 ? 'A CloudWatch alarm changed' : `${data.items.length} CloudWatch alarms changed`;
  const body = html`<h1 style="font-size:20px;margin:0 0 8px">${title}</h1>
<p style="margin:0 0 16px;color:#616e7c">${tenant}</p>
${data.items.map(
  (i) => html`<div style="margin:0 0 16px"><div style="font-weight:bold;color:${i.state === 'fired' ? '#b91c1c' : '#15803d'}">${headline(i)}</div>
<div>${where(i)}</div>${i.reason ? html`<div style="color:#616e7c">${oneLine(i.reason)}</div>` : ''}
${i.metricName ? html`<div><a href="${chartLink(links.dashboard, i)}">View the metric's chart</a></div>` : ''}</div>`,
)}
${buttonHtml(links.dashboard, 'Open the overview')}`;
  const text = [
    `${title} (${tenant})`,
    '',
    ...data.items.flatMap((i) => [
      `- ${headline(i)}`,
      `  ${where(i)}`,
      ...(i.reason ? [`  ${oneLine(i.reason)}`] : []),
      ...(i.metricName ? [`  Chart: ${chartLink(links.dashboard, i)}`] : []),
    ]),
    '',
    `Open the overview: ${links.dashboard}`,
    '',
    preferencesFooterText(links, product),
  ].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body, footer: preferencesFooterHtml(links, product) }), text };
}
