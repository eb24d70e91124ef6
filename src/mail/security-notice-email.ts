/**
 * Account security emails: someone tried to sign up with or move an account to an address that
 * already has one, repeated failed sign-ins, a password reset link, a changed password. They are
 * sent because of something done to the account, so they carry no unsubscribe link.
 */
import { html, type SafeHtml } from './html.js';
import { buttonHtml, htmlDocument, productName, type MailContext, type RenderedEmail } from './mail-layout.js';
import { mailLinks } from './mail-links.js';
import { subjectLine } from './plain-text.js';

/** What happened. */
export type SecurityNotice =
  | { kind: 'signup_existing' }
  | { kind: 'email_change_taken' }
  | { kind: 'failed_logins'; failures: number }
  | { kind: 'password_reset'; token: string; expiresInMinutes: number }
  | { kind: 'password_changed' }
  | { kind: 'invitation'; token: string; organization: string; role: string; expiresInDays: number }
  | { kind: 'invitation_existing'; organization: string }
  | { kind: 'membership_added'; organization: string; role: string }
  | { kind: 'mfa_changed'; enabled: boolean }
  | { kind: 'mfa_recovery_code_used'; recoveryCodesLeft: number };

interface Parts {
  subject: string;
  title: string;
  lines: string[];
  action?: { href: string; label: string };
  after?: string;
}

function partsOf(ctx: MailContext, notice: SecurityNotice): Parts {
  const product = productName(ctx);
  const links = mailLinks(ctx.publicUrl);
  switch (notice.kind) {
    case 'signup_existing':
      return {
        subject: `Someone tried to sign up for ${product} with your address`,
        title: 'Someone tried to sign up with your address',
        lines: [`Someone tried to create a ${product} account with this address, which already has one. No account was created.`, 'If it was you, sign in instead, or reset your password if you forgot it.'],
        action: { href: links.reset(), label: 'Reset my password' },
        after: 'If it was not you, you need do nothing: your account is unchanged.',
      };
    case 'email_change_taken':
      return {
        subject: `Someone asked to use your address for another ${product} account`,
        title: 'Your address was not moved',
        lines: [`Someone signed in to ${product} asked to change their account's email to this address. This address already has an account, so nothing changed.`],
        after: 'If it was you, sign in with this address instead.',
      };
    case 'failed_logins':
      return {
        subject: `Failed sign-ins to your ${product} account`,
        title: 'Repeated failed sign-ins',
        lines: [`There were ${notice.failures} failed attempts to sign in to your ${product} account in a short time. Sign-ins are now slowed down for this address; you can still sign in with your password.`],
        action: { href: links.reset(), label: 'Change my password' },
        after: 'If it was you, you need do nothing. Otherwise consider a stronger password.',
      };
    case 'password_reset': {
      const minutes = notice.expiresInMinutes;
      return {
        subject: `Reset your ${product} password`,
        title: 'Reset your password',
        lines: ['Someone asked to reset the password of the account with this address. If it was you, choose a new one:'],
        action: { href: links.reset(notice.token), label: 'Choose a new password' },
        after: `The link works once and expires in ${minutes} minutes. Resetting signs out every session. If you did not ask for this, ignore this email; nothing changes without the link.`,
      };
    }
    case 'invitation':
      return {
        subject: `You are invited to ${notice.organization} on ${product}`,
        title: `Join ${notice.organization}`,
        lines: [`You were invited to ${notice.organization} on ${product} as ${notice.role}. Choose a password to accept:`],
        action: { href: links.reset(notice.token), label: 'Accept and choose a password' },
        after: `The link works once and expires in ${notice.expiresInDays} days. If you did not expect this, ignore this email.`,
      };
    case 'invitation_existing':
      return {
        subject: `You were invited to ${notice.organization} on ${product}`,
        title: `An invitation to ${notice.organization}`,
        lines: [`You were invited to ${notice.organization} on ${product}, but the account of this address was never confirmed. Confirm it (or sign up again), then ask to be invited again.`],
      };
    case 'membership_added':
      return {
        subject: `You were added to ${notice.organization} on ${product}`,
        title: `You joined ${notice.organization}`,
        lines: [`You were added to ${notice.organization} on ${product} as ${notice.role}. Sign in as usual and pick it in the organization switcher.`],
        action: { href: links.dashboard, label: 'Open the dashboard' },
      };
    case 'mfa_changed':
      return notice.enabled
        ? {
            subject: `Two-factor sign-in is on for your ${product} account`,
            title: 'Two-factor sign-in is on',
            lines: ['Signing in to your account now needs a code from your authenticator app (or one of your recovery codes).'],
            after: 'If it was not you, reset your password now and tell your organization owner.',
          }
        : {
            subject: `Two-factor sign-in was turned off for your ${product} account`,
            title: 'Two-factor sign-in is off',
            lines: ['Signing in to your account no longer asks for a code.'],
            action: { href: links.reset(), label: 'Reset my password' },
            after: 'If it was not you, reset your password now.',
          };
    case 'mfa_recovery_code_used':
      return {
        subject: `A recovery code was used to sign in to ${product}`,
        title: 'A recovery code was used',
        lines: [`Someone signed in to your account with one of your recovery codes; ${notice.recoveryCodesLeft} are left. If you lost your authenticator, turn MFA off and on again in Settings to get new codes.`],
        action: { href: links.reset(), label: 'Reset my password' },
        after: 'If it was not you, reset your password now.',
      };
    case 'password_changed':
      return {
        subject: `Your ${product} password was changed`,
        title: 'Your password was changed',
        lines: [`The password of your ${product} account was changed and its other sessions were signed out.`],
        action: { href: links.reset(), label: 'Reset my password' },
        after: 'If it was not you, reset your password now.',
      };
  }
}

/** Render a security notice. */
export function renderSecurityNoticeEmail(ctx: MailContext, notice: SecurityNotice): RenderedEmail {
  const product = productName(ctx);
  const parts = partsOf(ctx, notice);
  const subject = subjectLine(parts.subject);
  const paragraphs: SafeHtml[] = parts.lines.map((line) => html`<p>${line}</p>`);
  const body = html`<h1 style="font-size:20px;margin:0 0 16px">${parts.title}</h1>
${paragraphs}
${parts.action ? buttonHtml(parts.action.href, parts.action.label) : ''}
${parts.action ? html`<p style="font-size:13px;color:#616e7c">Or open this link: <a href="${parts.action.href}">${parts.action.href}</a></p>` : ''}
${parts.after ? html`<p style="font-size:13px;color:#616e7c">${parts.after}</p>` : ''}`;
  const text = [parts.title, '', ...parts.lines, ...(parts.action ? ['', parts.action.href] : []), ...(parts.after ? ['', parts.after] : []), ''].join('\n');
  return { subject, html: htmlDocument({ title: subject, product, body }), text };
}
