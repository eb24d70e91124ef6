/**
 * Issue a one-time verification token and mail its link. The link comes from src/mail's link
 * table (`${publicUrl}/verify?token=...`), the same one the web app's /verify page reads.
 */
import { renderVerificationEmail } from '../mail/index.js';
import { ONE_TIME_TOKEN_TTL_MS } from '../store/index.js';
import type { RouteContext } from './route-context.js';

/** Whom to verify: the user, and the address the token confirms (the current one, or a pending new one). */
export interface VerificationTarget {
  tenantId: string;
  userId: string;
  email: string;
  organization?: string;
}

/** Issue the token and send the email; throws on a store or mail failure (callers run it in the background). */
export async function sendVerification(rc: RouteContext, target: VerificationTarget): Promise<void> {
  const token = await rc.deps.store.tokens.issue({ purpose: 'verify_email', tenantId: target.tenantId, userId: target.userId, email: target.email });
  const email = renderVerificationEmail(
    { publicUrl: rc.deps.publicUrl },
    { token, expiresInHours: ONE_TIME_TOKEN_TTL_MS / 3_600_000, ...(target.organization ? { organization: target.organization } : {}) },
  );
  await rc.deps.sendMail({ to: target.email, subject: email.subject, html: email.html, text: email.text });
  rc.deps.log.info({ tenant: target.tenantId, user: target.userId }, 'verification email sent');
}
