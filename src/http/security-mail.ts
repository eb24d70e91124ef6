/** Send an account security notice (src/mail's template) to one address. */
import { renderSecurityNoticeEmail, type SecurityNotice } from '../mail/index.js';
import type { RouteContext } from './route-context.js';

/** Render and send; throws on a mail failure (callers run it in the background). */
export async function sendSecurityNotice(rc: RouteContext, to: string, notice: SecurityNotice): Promise<void> {
  const email = renderSecurityNoticeEmail({ publicUrl: rc.deps.publicUrl }, notice);
  await rc.deps.sendMail({ to, subject: email.subject, html: email.html, text: email.text });
  rc.deps.log.info({ notice: notice.kind }, 'security notice sent');
}
