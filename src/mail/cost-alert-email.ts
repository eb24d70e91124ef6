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

/**
 * A cost event as the email shows it; the rules' `CostEvent` fits, plus an account display name.
 * `budget` is the tenant-wide overrun of items written before budgets had thresholds (still
 * rendered, never written now).
 */
export type CostAlertItem =
  | { kind: 'spike'; service: string; day: string; amountUsd: number; meanUsd: number; accountName?: string }
  | { kind: 'budget'; month: string; projectedUsd: number; budgetUsd: number; actualToDateUsd: number }
  | {
      kind: 'threshold';
      month: string;
      /** 50, 80 or 100 (% of the budget). */
      threshold: number;
      basis: 'actual' | 'forecast';
      budgetUsd: number;
      actualToDateUsd: number;
      projectedUsd: number;
      /** The account whose budget it is; absent for the tenant's budget. */
      accountName?: string;
      /** Our id of that account; lower thresholds' keys are claimed with this one. */
      accountId?: string;
    };

/** Whose budget a threshold item is about, as a phrase ("the budget", "the budget of account Prod"). */
function budgetOwner(event: Extract<CostAlertItem, { kind: 'threshold' }>): string {
  return event.accountName !== undefined || event.accountId !== undefined ? `the budget of account ${oneLine(event.accountName ?? event.accountId ?? '')}` : 'the monthly budget';
}

export interface CostAlertData {
  tenantName: string;
  events: readonly CostAlertItem[];
}

/** A threshold item's headline (also the channels' title). */
export function thresholdHeadline(event: Extract<CostAlertItem, { kind: 'threshold' }>): string {
  return event.basis === 'actual'
    ? `${event.threshold}% of ${budgetOwner(event)} spent in ${event.month}`
    : `Spend for ${event.month} forecast at ${event.threshold}% of ${budgetOwner(event)}`;
}

/** A threshold item's detail line. */
export function thresholdDetail(event: Extract<CostAlertItem, { kind: 'threshold' }>): string {
  return `${formatUsd(event.actualToDateUsd)} spent so far, ${formatUsd(event.projectedUsd)} expected for the month, against a budget of ${formatUsd(event.budgetUsd)}.`;
}

function headline(event: CostAlertItem): string {
  if (event.kind === 'threshold') return thresholdHeadline(event);
  return event.kind === 'spike'
    ? `Cost spike: ${oneLine(event.service)} on ${event.day}`
    : `Spend for ${event.month} projected above budget`;
}

function detail(event: CostAlertItem): string {
  if (event.kind === 'threshold') return thresholdDetail(event);
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
