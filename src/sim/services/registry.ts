/** Every simulated service. */
import { cloudwatch } from './cloudwatch.js';
import { costExplorer } from './cost-explorer.js';
import { guardDuty } from './guardduty.js';
import { health } from './health.js';
import { securityHub } from './securityhub.js';
import type { ServiceDefinition } from './service.js';
import { ses } from './ses.js';
import { sts } from './sts.js';

export const SERVICES: readonly ServiceDefinition[] = [sts, cloudwatch, costExplorer, guardDuty, ses, health, securityHub];
