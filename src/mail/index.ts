/** Email templates: each renders `{ subject, html, text }` with every outside value escaped. */
export { renderVerificationEmail, type VerificationEmailData } from './verification-email.js';
export { MAX_LISTED_FINDINGS, renderCriticalAlertEmail, type AlertFindingView, type CriticalAlertData } from './critical-alert-email.js';
export { renderCostAlertEmail, type CostAlertData, type CostAlertItem } from './cost-alert-email.js';
export { renderDailyDigestEmail, type DailyDigestData, type DigestRecommendation } from './daily-digest-email.js';
export type { MailContext, RenderedEmail } from './mail-layout.js';
export { mailLinks, type MailLinks } from './mail-links.js';
export { escapeHtml, html, raw, SafeHtml, type HtmlValue } from './html.js';
export { subjectLine } from './plain-text.js';
