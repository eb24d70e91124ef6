/** The alert email for cost events: service spikes and the month's projection above the budget. */
import { formatUsd } from './format.js';
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

/** A cost event as the email shows it; the rules' `CostEvent` fits, plus an account display name. */
export type CostAlertItem =
  | { kind: 'spike'; service: string; day: string; amountUsd: number; meanUsd: number; accountName?: string }
  | { kind: 'budget'; month: string; projectedUsd: number; budgetUsd: number; actualToDateUsd: number };

export interface CostAlertData {
  tenantName: string;
  events: readonly CostAlertItem[];
}

function headline(event: CostAlertItem): string {
  return event.kind === 'spike'
    ? `Cost spike: ${oneLine(event.service)} on ${event.day}`
    : `Spend for ${event.month} projected above budget`;
}

function detail(event: CostAlertItem): string {
  if (event.kind === 'budget') {
    return `Projected ${formatUsd(event.projectedUsd)} against a budget of ${formatUsd(event.budgetUsd)} (${formatUsd(event.actualToDateUsd)} spent so far).`;
  }
  const account = event.accountName ? ` in account ${oneLine(event.accountName)}` : '';
  return `${formatUsd(event.amountUsd)} that day${account}, against a usual ${formatUsd(event.meanUsd)} a day.`;
}

/** Render the cost alert; one email for all the cost events of a batch. */
export function renderCostAlertEmail(ctx: MailContext, data: CostAlertData): RenderedEmail {
  const product = productName(ctx);
  const links = mailLinks(ctx.publicUrl);
  const first = data.events[0];
  const subject = subjectLine(
    data.events.length === 1 && first ? `[${product}] ${headline(first)}` : `[${product}] ${data.events.length} cost alerts`,
  );
  const tenant = oneLine(data.tenantName);
  const body = html`<h1 style="font-size:20px;margin:0 0 8px">${data.events.length === 1 ? 'A cost alert' : `${data.events.length} cost alerts`}</h1>
<p style="margin:0 0 16px;color:#616e7c">${tenant}</p>
${data.events.map((e) => html`<div style="margin:0 0 16px"><div style="font-weight:bold">${headline(e)}</div><div>${detail(e)}</div></div>`)}
${buttonHtml(links.costs, 'Open costs')}`;
  const text = [
    `${data.events.length === 1 ? 'A cost alert' : `${data.events.length} cost alerts`} (${tenant})`,
    '',
    ...data.events.flatMap((e) => [`- ${headline(e)}`, `  ${detail(e)}`]),
    '',
    `Open costs: ${links.costs}`,
    '',
    preferencesFooterText(links, product),
  ].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body, footer: preferencesFooterHtml(links, product) }), text };
}
