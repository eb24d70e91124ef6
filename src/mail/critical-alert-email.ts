/** The alert email listing GuardDuty findings: one email for all the findings of one batch. */
import { severityBand, type Finding, type SeverityBand } from '../domain/records.js';
import { formatSeverity } from './format.js';
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

/** What the email shows of a finding; a `Finding` fits, plus the account's display name. */
export type AlertFindingView = Pick<Finding, 'title' | 'severity' | 'type' | 'region' | 'updatedAt'> &
  Partial<Pick<Finding, 'resourceId' | 'resourceType' | 'count'>> & { accountName?: string };

export interface CriticalAlertData {
  /** The tenant's organization name. */
  tenantName: string;
  findings: readonly AlertFindingView[];
}

/** Past this many rows the email links to the findings page instead: a mail of 500 rows helps no one. */
export const MAX_LISTED_FINDINGS = 25;

const BAND_COLOR: Record<SeverityBand, string> = { critical: '#b91c1c', high: '#c2410c', medium: '#a16207', low: '#4b5563' };

function countByBand(findings: readonly AlertFindingView[]): string {
  const counts = new Map<SeverityBand, number>();
  for (const f of findings) counts.set(severityBand(f.severity), (counts.get(severityBand(f.severity)) ?? 0) + 1);
  return (['critical', 'high', 'medium', 'low'] as const)
    .filter((band) => counts.has(band))
    .map((band) => `${counts.get(band)} ${band}`)
    .join(', ');
}

/** Render the findings alert; findings are listed most severe first. */
export function renderCriticalAlertEmail(ctx: MailContext, data: CriticalAlertData): RenderedEmail {
  const product = productName(ctx);
  const links = mailLinks(ctx.publicUrl);
  const findings = [...data.findings].sort((a, b) => b.severity - a.severity);
  const listed = findings.slice(0, MAX_LISTED_FINDINGS);
  const more = findings.length - listed.length;
  const tenant = oneLine(data.tenantName);
  const top = findings[0];
  const subject = subjectLine(
    findings.length === 1 && top
      ? `[${product}] ${formatSeverity(top.severity)} GuardDuty finding: ${top.title}`
      : `[${product}] ${findings.length} GuardDuty findings need attention (${countByBand(findings)})`,
  );
  const where = (f: AlertFindingView) =>
    [f.accountName ? `account ${oneLine(f.accountName)}` : undefined, f.region, f.resourceId ? `${f.resourceType ?? 'resource'} ${f.resourceId}` : undefined]
      .filter((part) => part !== undefined)
      .map((part) => oneLine(part))
      .join(' · ');
  const rows = listed.map(
    (f) => html`<tr>
<td style="padding:8px 8px 8px 0;vertical-align:top;white-space:nowrap;font-weight:bold;color:${BAND_COLOR[severityBand(f.severity)]}">${formatSeverity(f.severity)}</td>
<td style="padding:8px 0;vertical-align:top"><div style="font-weight:bold">${oneLine(f.title)}</div><div style="font-size:13px;color:#616e7c">${oneLine(f.type)}<br>${where(f)}${(f.count ?? 1) > 1 ? ` · seen ${f.count} times` : ''}<br>updated ${f.updatedAt}</div></td>
</tr>`,
  );
  const body = html`<h1 style="font-size:20px;margin:0 0 8px">${findings.length === 1 ? 'A GuardDuty finding needs attention' : `${findings.length} GuardDuty findings need attention`}</h1>
<p style="margin:0 0 16px;color:#616e7c">${tenant} · ${countByBand(findings)}</p>
<table style="border-collapse:collapse;width:100%">${rows}</table>
${more > 0 ? html`<p>…and ${more} more.</p>` : ''}
${buttonHtml(links.findings, 'Review findings')}`;
  const text = [
    `${findings.length === 1 ? 'A GuardDuty finding needs attention' : `${findings.length} GuardDuty findings need attention`} (${tenant}: ${countByBand(findings)})`,
    '',
    ...listed.flatMap((f) => [
      `- ${formatSeverity(f.severity)}: ${oneLine(f.title)}`,
      `  ${oneLine(f.type)} · ${where(f)}${(f.count ?? 1) > 1 ? ` · seen ${f.count} times` : ''} · updated ${f.updatedAt}`,
    ]),
    ...(more > 0 ? [`...and ${more} more.`] : []),
    '',
    `Review findings: ${links.findings}`,
    '',
    preferencesFooterText(links, product),
  ].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body, footer: preferencesFooterHtml(links, product) }), text };
}
