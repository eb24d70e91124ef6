/**
 * The AWS simulator (DESIGN.md "AWS simulator"): one HTTP endpoint speaking the real wire
 * protocols of STS, CloudWatch, Cost Explorer, GuardDuty and SESv2, with generated data per
 * account, fault injection, call recording and an SES outbox.
 *
 * Accounts: any credentials are accepted. A call is for the account its access key id encodes:
 * `AKIA`/`ASIA` + 12 digits -> that account (AssumeRole issues `ASIA<account>...` keys); any other
 * key -> an account derived from a hash of the key id. `accessKeyIdForAccount` makes such a key.
 */
export { startSimulator } from './simulator.js';
export { accessKeyIdForAccount, accountForAccessKey } from './credentials.js';
export { DEFAULT_ROLE } from './account-book.js';
export type { BillableUsage, FaultSpec, InjectedFinding, SentEmail, SimAccountConfig, SimCall, SimService, SimSesOptions, Simulator, SimulatorOptions } from './types.js';
