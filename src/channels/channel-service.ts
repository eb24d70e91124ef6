/**
 * What Settings does with channels (the API's only way in): add one (URL checked and sealed;
 * a webhook's signing secret generated and returned this once), list them (masked, with their
 * status), remove one, and send a test message now, through the same guarded request as alerts.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Keyring } from '../store/crypto/keyring.js';
import type { ChannelKind, ChannelRecord, ChannelRepository } from '../store/channel-repository.js';
import { ChannelError, channelFailureCode } from './channel-error.js';
import { testEvent } from './channel-event.js';
import { newSigningSecret } from './channel-request.js';
import { channelRequestFor, sealChannelSecret } from './channel-secrets.js';
import { checkChannelUrl, maskUrl } from './channel-url.js';
import { resolveTarget, type ChannelPost, type GuardedPostOptions } from './guarded-post.js';

/** Channels per tenant at most. */
export const MAX_CHANNELS = 10;

/** The outcome of "Send test". */
export type ChannelTestResult = { delivered: true; status: number } | { delivered: false; error: string };

export interface ChannelService {
  list(tenantId: string): Promise<ChannelRecord[]>;
  /** Throws a 400 `ChannelError` for a refused URL, 409 `CHANNEL_LIMIT` past `MAX_CHANNELS`. */
  add(tenantId: string, input: { kind: ChannelKind; name: string; url: string }): Promise<{ channel: ChannelRecord; signingSecret?: string }>;
  remove(tenantId: string, id: string): Promise<boolean>;
  /** Undefined when there is no such channel. */
  sendTest(tenantId: string, id: string): Promise<ChannelTestResult | undefined>;
}

export interface ChannelServiceDeps {
  channels: ChannelRepository;
  /** The tenant's name, for the test message. */
  tenantName(tenantId: string): Promise<string | undefined>;
  keyring: Pick<Keyring, 'seal' | 'open'>;
  post: ChannelPost;
  publicUrl: string;
  /** The address rule of `post` (CHANNEL_ALLOW_PRIVATE_TARGETS), checked at once when a channel is added. */
  target: Pick<GuardedPostOptions, 'allowPrivate' | 'resolve'>;
  /** Failures in a row after which a channel is failing. Default 3. */
  failingAfter?: number;
  now?: () => number;
}

/** Create the service. */
export function createChannelService(deps: ChannelServiceDeps): ChannelService {
  const { channels, keyring } = deps;
  const now = deps.now ?? Date.now;
  const failingAfter = deps.failingAfter ?? 3;
  return {
    list: (tenantId) => channels.list(tenantId),

    async add(tenantId, input) {
      const url = checkChannelUrl(input.kind, input.url);
      try {
        await resolveTarget(url.hostname, deps.target);
      } catch (error) {
        // A name that does not resolve yet may later; an address that is forbidden never is.
        if (!(error instanceof ChannelError && error.code === 'CHANNEL_DNS_FAILED')) throw error;
      }
      if ((await channels.list(tenantId)).length >= MAX_CHANNELS) throw new AppError('CHANNEL_LIMIT', `at most ${MAX_CHANNELS} channels`, { status: 409 });
      const id = `ch-${randomBytes(9).toString('base64url')}`;
      const signingSecret = input.kind === 'webhook' ? newSigningSecret() : undefined;
      const channel = await channels.add({
        tenantId,
        id,
        kind: input.kind,
        name: input.name,
        maskedUrl: maskUrl(url.href),
        url: sealChannelSecret(keyring, tenantId, id, 'url', url.href),
        ...(signingSecret ? { signingSecret: sealChannelSecret(keyring, tenantId, id, 'signing', signingSecret) } : {}),
      });
      return { channel, ...(signingSecret ? { signingSecret } : {}) };
    },

    remove: (tenantId, id) => channels.remove(tenantId, id),

    async sendTest(tenantId, id) {
      const channel = await channels.get(tenantId, id);
      if (!channel) return undefined;
      const at = now();
      const event = testEvent({ id: `test-${randomBytes(9).toString('base64url')}`, tenantId, tenantName: (await deps.tenantName(tenantId)) ?? tenantId, createdAt: new Date(at).toISOString(), publicUrl: deps.publicUrl });
      const request = channelRequestFor(keyring, channel, event, at);
      try {
        const { status } = await deps.post(request.url, request.body, request.headers);
        await channels.recordSuccess(tenantId, id, now());
        return { delivered: true, status };
      } catch (error) {
        const code = channelFailureCode(error);
        await channels.recordFailure(tenantId, id, code, now(), failingAfter);
        return { delivered: false, error: code };
      }
    },
  };
}
