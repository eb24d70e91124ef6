/**
 * A channel's secrets: its URL and (webhooks) its signing secret, sealed with the keyring as AWS
 * secret keys are, each bound to its tenant, channel and role (AAD), so a sealed value copied to
 * another channel or tenant does not open. Opened only here, right before a request is built.
 */
import type { SealedSecret } from '../domain/tenant.js';
import type { Keyring } from '../store/crypto/keyring.js';
import type { ChannelRecord } from '../store/channel-repository.js';
import type { ChannelEvent } from './channel-event.js';
import { slackRequest, webhookRequest } from './channel-request.js';

/** The sealing context of a channel's `url` or `signing` secret. */
export function channelSecretContext(tenantId: string, channelId: string, role: 'url' | 'signing'): string {
  return `channel|${tenantId}|${channelId}|${role}`;
}

/** Seal a channel's secret. */
export function sealChannelSecret(keyring: Pick<Keyring, 'seal'>, tenantId: string, channelId: string, role: 'url' | 'signing', plaintext: string): SealedSecret {
  return keyring.seal(plaintext, channelSecretContext(tenantId, channelId, role));
}

/** The URL, body and headers of a request to `channel` carrying `event`, signed at `nowMs`. */
export function channelRequestFor(keyring: Pick<Keyring, 'open'>, channel: ChannelRecord, event: ChannelEvent, nowMs: number): { url: string; body: string; headers: Record<string, string> } {
  const url = keyring.open(channel.url, channelSecretContext(channel.tenantId, channel.id, 'url'));
  switch (channel.kind) {
    case 'slack':
      return { url, ...slackRequest(event) };
    case 'webhook': {
      if (!channel.signingSecret) throw new Error('a webhook channel without a signing secret');
      const secret = keyring.open(channel.signingSecret, channelSecretContext(channel.tenantId, channel.id, 'signing'));
      return { url, ...webhookRequest(event, secret, nowMs) };
    }
  }
}
