/**
 * What goes on the wire for one channel: the generic webhook's signed JSON, or Slack's message.
 *
 * Webhook signature (README "Verifying a webhook"): header
 * `X-CloudHealth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the
 * scheme Stripe and Slack use for their own webhooks: the timestamp is signed with the body, so
 * a receiver that rejects old timestamps also rejects a replayed request.
 *
 * Slack: an incoming webhook takes `text` (the notification and fallback) and Block Kit
 * `blocks` (https://api.slack.com/messaging/webhooks, https://api.slack.com/reference/block-kit/blocks);
 * in mrkdwn, `&`, `<` and `>` must be escaped (https://api.slack.com/reference/surfaces/formatting#escaping).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ChannelEvent } from './channel-event.js';

export const SIGNATURE_HEADER = 'X-CloudHealth-Signature';
/** A webhook's signing secret starts with this (so a leaked one is recognisable in a scan). */
export const SIGNING_SECRET_PREFIX = 'chwhsec_';

/** A new signing secret: 256 random bits. */
export function newSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The signature header's value for `body` at `unixSeconds`. */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Body and headers of a webhook request. */
export function webhookRequest(event: ChannelEvent, secret: string, nowMs: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  return { body, headers: { [SIGNATURE_HEADER]: signatureHeader(secret, Math.floor(nowMs / 1000), body), 'X-CloudHealth-Event': event.id } };
}

const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Slack shows at most 50 blocks; a long alert lists the first ones and links to the rest. */
const MAX_ITEMS = 10;
const SEVERITY_ICON = { critical: ':red_circle:', high: ':large_orange_circle:', medium: ':large_yellow_circle:', low: ':white_circle:' } as const;

/** Body of a Slack incoming webhook request. */
export function slackRequest(event: ChannelEvent): { body: string; headers: Record<string, string> } {
  const header = `${event.tenant.name}: ${event.summary}`;
  const lines = event.items.slice(0, MAX_ITEMS).map((item) => {
    const icon = item.severity ? `${SEVERITY_ICON[item.severity]} ` : '';
    const where = [item.account, item.region].filter(Boolean).join(' · ');
    return `${icon}*${escapeMrkdwn(item.title)}*${where ? `\n${escapeMrkdwn(where)}` : ''}${item.detail ? `\n${escapeMrkdwn(item.detail)}` : ''}${item.resources?.length ? `\nAffected: ${escapeMrkdwn(item.resources.slice(0, 5).join(', '))}${item.resources.length > 5 ? ' …' : ''}` : ''}`;
  });
  const more = event.items.length - MAX_ITEMS;
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: header.slice(0, 150), emoji: true } },
    ...lines.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } })),
    ...(more > 0 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${more} more` }] }] : []),
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open Cloud Health' }, url: event.links.details }] },
  ];
  return { body: JSON.stringify({ text: escapeMrkdwn(header), blocks }), headers: {} };
}
