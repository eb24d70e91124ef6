/** The opt-in daily digest: yesterday's cost, new findings, the top recommendations. */
import type { SeverityBand } from '../domain/records.js';
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

/** A recommendation as the digest lists it; the rules' `Recommendation` fits. */
export interface DigestRecommendation {
  title: string;
  priority: 'high' | 'medium' | 'low';
  category: string;
  estimatedMonthlySavingUsd?: number;
}

export interface DailyDigestData {
  tenantName: string;
  /** The day the digest covers, YYYY-MM-DD. */
  day: string;
  cost?: {
    dayUsd: number;
    monthToDateUsd: number;
    /** Projected spend of the month, when a forecast exists. */
    projectedMonthUsd?: number;
    budgetUsd?: number;
    /** The day's largest services, largest first. */
    topServices?: readonly { service: string; amountUsd: number }[];
  };
  /** New findings of the day by band, and how many High/Critical are still open. */
  findings: { newByBand: Partial<Record<SeverityBand, number>>; openHighOrCritical: number };
  /** The top recommendations, already sorted and trimmed by the caller. */
  recommendations: readonly DigestRecommendation[];
  /** Sum of the open recommendations' estimated savings. */
  potentialMonthlySavingUsd?: number;
  /** Accounts that could not be read, with why (shown so the tenant can fix them). */
  accountIssues?: readonly { accountName: string; reason: string }[];
}

function findingsLine(f: DailyDigestData['findings']): string {
  const parts = (['critical', 'high', 'medium', 'low'] as const).filter((b) => (f.newByBand[b] ?? 0) > 0).map((b) => `${f.newByBand[b]} ${b}`);
  const fresh = parts.length === 0 ? 'No new findings' : `New findings: ${parts.join(', ')}`;
  return `${fresh}. Open high or critical: ${f.openHighOrCritical}.`;
}

function costLines(cost: NonNullable<DailyDigestData['cost']>): string[] {
  const lines = [`Spend that day: ${formatUsd(cost.dayUsd)}. Month to date: ${formatUsd(cost.monthToDateUsd)}.`];
  if (cost.projectedMonthUsd !== undefined) {
    const budget = cost.budgetUsd === undefined ? '' : ` (budget ${formatUsd(cost.budgetUsd)}${cost.projectedMonthUsd > cost.budgetUsd ? ', over' : ''})`;
    lines.push(`Projected for the month: ${formatUsd(cost.projectedMonthUsd)}${budget}.`);
  }
  const top = (cost.topServices ?? []).map((s) => `${oneLine(s.service)} ${formatUsd(s.amountUsd)}`);
  if (top.length > 0) lines.push(`Largest services: ${top.join(', ')}.`);
  return lines;
}

function recommendationLine(r: DigestRecommendation): string {
  const saving = r.estimatedMonthlySavingUsd === undefined ? '' : ` (save ~${formatUsd(r.estimatedMonthlySavingUsd)}/month)`;
  return `[${r.priority}] ${oneLine(r.title)}${saving}`;
}

/** Render the daily digest. */
export function renderDailyDigestEmail(ctx: MailContext, data: DailyDigestData): RenderedEmail {
  const product = productName(ctx);
  const links = mailLinks(ctx.publicUrl);
  const tenant = oneLine(data.tenantName);
  const subject = subjectLine(`[${product}] Daily digest for ${tenant}, ${data.day}`);
  const cost = data.cost ? costLines(data.cost) : [];
  const issues = (data.accountIssues ?? []).map((i) => `${oneLine(i.accountName)}: ${oneLine(i.reason)}`);
  const savings =
    data.potentialMonthlySavingUsd !== undefined && data.potentialMonthlySavingUsd > 0
      ? `Potential savings: ~${formatUsd(data.potentialMonthlySavingUsd)}/month.`
      : undefined;
  const section = (title: string, lines: readonly string[]) =>
    lines.length === 0 ? '' : html`<h2 style="font-size:16px;margin:20px 0 8px">${title}</h2>${lines.map((l) => html`<p style="margin:0 0 6px">${l}</p>`)}`;
  const recs = data.recommendations.map(recommendationLine);
  const body = html`<h1 style="font-size:20px;margin:0 0 8px">Daily digest</h1>
<p style="margin:0 0 16px;color:#616e7c">${tenant} · ${data.day}</p>
${section('Cost', cost)}
${section('Security', [findingsLine(data.findings)])}
${section('Recommendations', recs.length === 0 ? ['Nothing new to recommend.'] : [...recs, ...(savings ? [savings] : [])])}
${section('Accounts needing attention', issues)}
${buttonHtml(links.dashboard, 'Open the dashboard')}`;
  const block = (title: string, lines: readonly string[]) => (lines.length === 0 ? [] : [title, ...lines.map((l) => `  ${l}`), '']);
  const text = [
    `Daily digest — ${tenant}, ${data.day}`,
    '',
    ...block('Cost', cost),
    ...block('Security', [findingsLine(data.findings)]),
    ...block('Recommendations', recs.length === 0 ? ['Nothing new to recommend.'] : [...recs.map((r) => `- ${r}`), ...(savings ? [savings] : [])]),
    ...block('Accounts needing attention', issues),
    `Dashboard: ${links.dashboard}`,
    `Recommendations: ${links.recommendations}`,
    '',
    preferencesFooterText(links, product),
  ].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body, footer: preferencesFooterHtml(links, product) }), text };
}
