/**
 * A channel URL's rules by kind, and its masked form. The URL is a secret (a Slack webhook URL
 * alone lets anyone post to the channel), so after it is sealed only the mask is ever shown.
 */
import type { ChannelKind } from '../store/channel-repository.js';
import { ChannelError } from './channel-error.js';
import { checkUrlForm } from './guarded-post.js';

/** Slack incoming webhooks live on this host (https://api.slack.com/messaging/webhooks). */
export const SLACK_HOST = 'hooks.slack.com';
/** Longest URL accepted. */
export const MAX_URL_LENGTH = 2048;

/** Check `raw` for a channel of `kind` (form only; addresses are checked when it is sent to). */
export function checkChannelUrl(kind: ChannelKind, raw: string): URL {
  if (raw.length > MAX_URL_LENGTH) throw new ChannelError('CHANNEL_URL_INVALID', `the URL is longer than ${MAX_URL_LENGTH} characters`);
  const url = checkUrlForm(raw);
  if (kind === 'slack' && (url.hostname !== SLACK_HOST || url.port !== '' || !/^\/(services|triggers|workflows)\/[^/]+/.test(url.pathname))) {
    throw new ChannelError('CHANNEL_URL_NOT_SLACK', `a Slack incoming webhook URL looks like https://${SLACK_HOST}/services/…`);
  }
  return url;
}

/** Host plus the last 4 characters, e.g. `hooks.slack.com/…x9Qz`. */
export function maskUrl(raw: string): string {
  const url = new URL(raw);
  const tail = raw.length > 12 ? raw.slice(-4) : '';
  return `${url.host}/…${tail}`;
}
