/** Alert channels besides email: Slack incoming webhooks and signed HTTPS webhooks. */
export { createChannelDelivery, type ChannelDelivery, type ChannelDeliveryOptions } from './channel-delivery.js';
export { createChannelService, MAX_CHANNELS, type ChannelService, type ChannelTestResult } from './channel-service.js';
export { createGuardedPost, type ChannelPost, type GuardedPostOptions, type PostResult } from './guarded-post.js';
export { ChannelError } from './channel-error.js';
export { CHANNEL_EVENT_VERSION, type ChannelEvent, type ChannelEventItem } from './channel-event.js';
export { SIGNATURE_HEADER, signatureHeader } from './channel-request.js';
