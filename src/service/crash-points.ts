/**
 * Crash points for the alert-durability test (issue 12): named steps of the path from a stored
 * collection result to a sent alert email, where a test can kill the process. Production passes
 * no hook, and every wrapper here is then the identity. The test's child process reads
 * `CLOUD_HEALTH_TEST_CRASH_AT` itself and passes a hook that sends itself SIGKILL.
 */
import type { MailSender } from '../aws/index.js';
import type { AlertOutbox } from '../store/index.js';

/**
 * The steps, in the order an alert passes them:
 * - `result-stored`: the findings are in the store, their alerts not yet in the outbox;
 * - `intent-written`: the outbox item (state `intent`) is durable, the watermark has not moved;
 * - `watermark-set`: the watermark moved past the findings;
 * - `claimed`: the item's alert markers are claimed, the item is still an intent;
 * - `ready`: the item is `ready` (owns its markers), nothing sent;
 * - `ses-accepted`: SES accepted the email, the item does not say so yet;
 * - `sent-recorded`: the item records the send, it is not deleted yet;
 * - `deleted`: the item is gone.
 */
export const CRASH_STEPS = ['result-stored', 'intent-written', 'watermark-set', 'claimed', 'ready', 'ses-accepted', 'sent-recorded', 'deleted'] as const;
export type CrashStep = (typeof CRASH_STEPS)[number];

/** Called at each step; `subject` tells what the step is about (a result's or an email's text), so a test can crash only for its own alert. */
export type CrashPoint = (step: CrashStep, subject: () => string) => void;

/** The outbox with crash points around delivery's writes (the payload an item was written with is its subject). */
export function crashingOutbox(outbox: AlertOutbox, crash: CrashPoint | undefined): AlertOutbox {
  if (!crash) return outbox;
  const payloads = new Map<string, string>();
  const subject = (tenantId: string, id: string) => () => payloads.get(`${tenantId}/${id}`) ?? '';
  return {
    ...outbox,
    async create(item, owner, lockedUntil) {
      await outbox.create(item, owner, lockedUntil);
      payloads.set(`${item.tenantId}/${item.id}`, item.payload);
    },
    async lock(tenantId, id, owner, lockedUntil, takeFrom) {
      const stored = await outbox.lock(tenantId, id, owner, lockedUntil, takeFrom);
      if (stored) payloads.set(`${tenantId}/${id}`, stored.payload);
      return stored;
    },
    async markReady(tenantId, id, owner, payload) {
      crash('claimed', () => payload);
      const done = await outbox.markReady(tenantId, id, owner, payload);
      crash('ready', () => payload);
      return done;
    },
    async markSent(tenantId, id, owner, index) {
      const done = await outbox.markSent(tenantId, id, owner, index);
      crash('sent-recorded', subject(tenantId, id));
      return done;
    },
    async delete(tenantId, id) {
      await outbox.delete(tenantId, id);
      crash('deleted', subject(tenantId, id));
    },
  };
}

/** The mail sender with a crash point right after SES accepted an email. */
export function crashingSender(sender: MailSender, crash: CrashPoint | undefined): MailSender {
  if (!crash) return sender;
  return {
    ...sender,
    async send(message, signal) {
      const sent = await sender.send(message, signal);
      crash('ses-accepted', () => `${message.subject}\n${message.html}`);
      return sent;
    },
  };
}
