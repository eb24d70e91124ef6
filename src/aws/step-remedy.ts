/**
 * What a tenant can do about a failed collector step, in words, from the failure's kind and the
 * operation table: the IAM action to add, the region to enable or remove, the feature to turn on.
 * Passing trouble (throttling, 5xx, timeouts) needs nothing from the tenant.
 */
import type { StepError } from '../domain/sink.js';
import { NO_DETECTOR } from '../domain/run-steps.js';
import { OPERATION_ACTIONS } from './operation-actions.js';

/** How a step stands, as the dashboard groups it. */
export type StepState = 'ok' | 'failed' | 'setup';

export interface StepAdvice {
  state: StepState;
  /** One sentence the tenant can act on; absent when nothing needs doing. */
  remedy?: string;
  consoleUrl?: string;
}

const regionsConsole = 'https://us-east-1.console.aws.amazon.com/billing/home#/account';
const securityHubConsole = (region: string) => `https://${region}.console.aws.amazon.com/securityhub/home?region=${region}`;
const guardDutyConsole = (region: string) => `https://${region}.console.aws.amazon.com/guardduty/home?region=${region}`;

/** Advice for a step of `collector` that ended with `error` (undefined: it succeeded). */
export function stepAdvice(collector: string, step: { operation: string; region?: string }, error: StepError | undefined): StepAdvice {
  if (!error) return { state: 'ok' };
  const entry = OPERATION_ACTIONS.find((e) => e.collector === collector && e.operation === step.operation);
  const service = entry?.service ?? collector;
  const region = step.region ?? '';
  switch (error.kind) {
    case 'identity':
      return { state: 'failed', remedy: 'AWS refused the role or the keys: check the role\'s trust policy and ExternalId (or the keys), then update the account.' };
    case 'permission': {
      const action = error.action ?? entry?.action ?? `${service}:${step.operation}`;
      const optIn = entry?.optIn ? ` If the policy already allows it: ${entry.optIn.what}.` : '';
      return {
        state: 'failed',
        remedy: `Add ${action} to the role's permission policy${entry ? ` (needed for ${entry.purpose})` : ''}.${optIn}`,
        ...(entry?.optIn ? { consoleUrl: entry.optIn.consoleUrl } : {}),
      };
    }
    case 'region':
      return {
        state: 'failed',
        remedy: `The account has not enabled ${region || 'this region'}: enable it (Account > AWS Regions) or remove it from this account's regions.`,
        consoleUrl: regionsConsole,
      };
    case 'feature':
      if (error.code === NO_DETECTOR) {
        return { state: 'setup', remedy: `GuardDuty is not enabled in ${region}: enable it to get findings there.`, consoleUrl: guardDutyConsole(region) };
      }
      if (entry?.service === 'securityhub' && region) {
        return { state: 'setup', remedy: `Security Hub is not enabled in ${region}: enable it (and a standard) to get compliance scores there.`, consoleUrl: securityHubConsole(region) };
      }
      if (entry?.optIn) return { state: 'setup', remedy: `Not available on this account: ${entry.optIn.what}.`, consoleUrl: entry.optIn.consoleUrl };
      return { state: 'setup', remedy: `${step.operation} needs a feature the account has not enabled.` };
    case 'no_data':
      return { state: 'setup', remedy: 'AWS has no data for this yet (a new account needs some history); it appears on its own.' };
    case 'throttled':
    case 'transient':
    case 'timeout':
    case 'breaker_open':
      return { state: 'failed', remedy: 'AWS was busy or unreachable; the next run retries on its own.' };
    default:
      return { state: 'failed' };
  }
}
