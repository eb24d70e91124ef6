/**
 * Email templates (each renders `{ subject, html, text }` with every outside value escaped) and the
 * mailer that sends alerts and digests through a durable outbox at the SES account's rate.
 */
export { renderVerificationEmail, type VerificationEmailData } from './verification-email.js';
export { renderSecurityNoticeEmail, type SecurityNotice } from './security-notice-email.js';
export { MAX_LISTED_FINDINGS, renderCriticalAlertEmail, type AlertFindingView, type CriticalAlertData } from './critical-alert-email.js';
export { renderCostAlertEmail, type CostAlertData, type CostAlertItem } from './cost-alert-email.js';
export { renderDailyDigestEmail, type DailyDigestData, type DigestRecommendation } from './daily-digest-email.js';
export type { MailContext, RenderedEmail } from './mail-layout.js';
export { mailLinks, type MailLinks } from './mail-links.js';
export { escapeHtml, html, raw, SafeHtml, type HtmlValue } from './html.js';
export { subjectLine } from './plain-text.js';
export { createMailer, type Mailer, type MailerDeps, type MailerOptions } from './mailer.js';
export { systemMailClock, type MailClock } from './mail-clock.js';
