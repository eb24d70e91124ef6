/** SESv2 over restJson1: SendEmail (POST /v2/email/outbound-emails), captured into the outbox. */
import { hex } from '../prng.js';
import { SimError } from '../sim-error.js';
import type { ServiceDefinition } from './service.js';

const MAX_RECIPIENTS = 50;

/** The address part of `Name <addr>` or a bare address, lower case. */
export function addressOf(mailbox: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(mailbox);
  return (angle?.[1] ?? mailbox).trim().toLowerCase();
}

/**
 * Whether `address` is covered by a verified identity: the address itself, or its domain or a
 * parent domain ("when you verify a domain identity, you can send email from any subdomain or
 * email address of the verified domain": SES developer guide, Creating and verifying identities).
 */
export function isVerified(address: string, identities: readonly string[]): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return identities.some((identity) => identity === address || (!identity.includes('@') && (domain === identity || domain.endsWith(`.${identity}`))));
}

interface SendEmailInput {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content?: {
    Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } };
    Template?: { TemplateContent?: { Subject?: string; Text?: string; Html?: string }; TemplateName?: string; TemplateArn?: string; TemplateData?: string };
    Raw?: { Data?: string };
  };
}

function badRequest(message: string): SimError {
  return new SimError('BadRequestException', message);
}

/** Replace `{{name}}` with the template data (what SES does for inline templates). */
function render(text: string | undefined, data: Record<string, unknown>): string | undefined {
  return text?.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => String(data[name] ?? ''));
}

/** Subject, addresses and body of a raw MIME message (headers, blank line, body; no multipart parsing). */
function parseRaw(base64: string): { subject: string; from?: string; to: string[]; text: string } {
  const message = Buffer.from(base64, 'base64').toString('utf8');
  const split = message.search(/\r?\n\r?\n/);
  const head = split < 0 ? message : message.slice(0, split);
  const body = split < 0 ? '' : message.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
  const to = (header('To') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const from = header('From');
  return from === undefined ? { subject: header('Subject') ?? '', to, text: body } : { subject: header('Subject') ?? '', from, to, text: body };
}

export const ses: ServiceDefinition = {
  service: 'ses',
  signingName: 'ses',
  wire: { protocol: 'restJson1' },
  routes: [{ method: 'POST', path: /^\/v2\/email\/outbound-emails$/, operation: 'SendEmail' }],
  operations: {
    SendEmail(request, context) {
      const input = request.input as SendEmailInput;
      const content = input.Content ?? {};
      let from = input.FromEmailAddress;
      let to = input.Destination?.ToAddresses ?? [];
      const cc = input.Destination?.CcAddresses ?? [];
      const bcc = input.Destination?.BccAddresses ?? [];
      let subject: string | undefined;
      let html: string | undefined;
      let text: string | undefined;
      if (content.Simple) {
        subject = content.Simple.Subject?.Data;
        html = content.Simple.Body?.Html?.Data;
        text = content.Simple.Body?.Text?.Data;
        if (subject === undefined) throw badRequest('Missing required parameter Content.Simple.Subject');
        if (html === undefined && text === undefined) throw badRequest('Missing required parameter Content.Simple.Body');
      } else if (content.Template) {
        const template = content.Template.TemplateContent;
        if (!template) throw new SimError('NotFoundException', `Template ${content.Template.TemplateName ?? content.Template.TemplateArn ?? ''} does not exist.`, { status: 404 });
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(content.Template.TemplateData ?? '{}') as Record<string, unknown>;
        } catch {
          throw badRequest('TemplateData is not valid JSON');
        }
        subject = render(template.Subject, data);
        html = render(template.Html, data);
        text = render(template.Text, data);
      } else if (content.Raw?.Data) {
        const raw = parseRaw(content.Raw.Data);
        subject = raw.subject;
        text = raw.text;
        from ??= raw.from;
        if (to.length === 0) to = raw.to;
      } else {
        throw badRequest('Missing required parameter Content');
      }
      if (!from) throw badRequest('Missing required parameter FromEmailAddress');
      const recipients = to.length + cc.length + bcc.length;
      if (recipients === 0) throw badRequest('Missing required parameter Destination');
      if (recipients > MAX_RECIPIENTS) throw new SimError('MessageRejected', `Recipient count exceeds ${MAX_RECIPIENTS}.`);
      // An unverified sender, and in the sandbox an unverified recipient, is MessageRejected 400
      // (SESv2 API reference, SendEmail errors; SES developer guide, "Verified identities" and
      // "Request production access (moving out of the Amazon SES sandbox)").
      const { verifiedIdentities, sandbox } = context.ses;
      const failed = [addressOf(from), ...(sandbox ? [...to, ...cc, ...bcc].map(addressOf) : [])].filter((address) => !isVerified(address, verifiedIdentities));
      if (failed.length > 0) {
        throw new SimError('MessageRejected', `Email address is not verified. The following identities failed the check in region ${request.region.toUpperCase()}: ${[...new Set(failed)].join(', ')}`);
      }
      const now = context.now();
      const messageId = `0100${now.toString(16).padStart(12, '0')}-${hex(8, context.seed, request.requestId)}-${hex(4, context.seed, request.requestId, 'a')}-${hex(4, context.seed, request.requestId, 'b')}-${hex(4, context.seed, request.requestId, 'c')}-${hex(12, context.seed, request.requestId, 'd')}-000000`;
      const email: Parameters<typeof context.sendEmail>[0] = { messageId, account: request.account, region: request.region, from, to: [...to], cc: [...cc], bcc: [...bcc], subject: subject ?? '', time: new Date(now).toISOString() };
      if (html !== undefined) email.html = html;
      if (text !== undefined) email.text = text;
      context.sendEmail(email);
      return { output: { MessageId: messageId } };
    },
  },
};
