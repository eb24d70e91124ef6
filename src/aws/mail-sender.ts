/**
 * The platform's own email, through SESv2 SendEmail (not a tenant's account). Sending rate and
 * deduplication are the mailer actor's job; this only sends, abortably, and classifies failures
 * like every other AWS call (SES throttles with TooManyRequestsException / LimitExceededException).
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { classifyAwsError } from './classify-error.js';
import { throwIfAborted } from './abort.js';
import { createSdkConfigBuilder, type CredentialsInput, type SdkClientOptions } from './client-factory.js';

/** One email; both bodies are sent so every client can show it. */
export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface MailSender {
  /** Send one email; resolves with SES's message id. */
  send(message: MailMessage, signal: AbortSignal): Promise<{ messageId: string }>;
  /** Close the sender's sockets. Idempotent. */
  close(): void;
}

export interface MailSenderOptions extends SdkClientOptions {
  /** The verified sender address (config SES_FROM). */
  from: string;
  /** Credentials; default the SDK's default chain (the instance role). */
  credentials?: CredentialsInput;
  /** An SES configuration set (bounce/complaint events), if any. */
  configurationSet?: string;
}

/**
 * Create the SES sender. One attempt per call: SendEmail is not idempotent, and the SDK's
 * standard retry repeats a call that timed out (TimeoutError is transient to it) although SES
 * may have accepted the first, so each timed-out attempt could mail the recipient once more.
 * The send queue retries throttles itself and the outbox retries the rest, each once per send.
 */
export function createMailSender(options: MailSenderOptions): MailSender {
  // The caller's signal is the send's deadline (the send queue's, which lets an answer that has
  // already arrived be read first); the SDK's own request timeout only backs it up.
  const sdk = createSdkConfigBuilder({ ...options, maxAttempts: 1, requestTimeoutMs: options.requestTimeoutMs ?? 120_000 });
  const client = new SESv2Client(sdk.config(options.region, options.credentials));
  const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
  return {
    async send(message, signal) {
      throwIfAborted(signal);
      try {
        const out = await client.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [message.to] },
            Content: { Simple: { Subject: utf8(message.subject), Body: { Html: utf8(message.html), Text: utf8(message.text) } } },
            ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
          }),
          { abortSignal: signal },
        );
        return { messageId: out.MessageId ?? '' };
      } catch (error) {
        throw classifyAwsError(error, { service: 'ses', operation: 'SendEmail' }, signal);
      }
    },
    close: sdk.close,
  };
}
