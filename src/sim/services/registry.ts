/** Every simulated service, in routing order. */
import { cloudwatch } from './cloudwatch.js';
import type { ServiceDefinition } from './service.js';
import { sts } from './sts.js';

export const SERVICES: readonly ServiceDefinition[] = [sts, cloudwatch];
