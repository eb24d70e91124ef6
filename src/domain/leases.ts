/** What an instance knows of the lease table (several instances; src/service/lease-coordinator.ts). */

/** One instance as seen at the last rebalance. */
export interface InstanceView {
  id: string;
  live: boolean;
  leases: number;
  self: boolean;
}

/** This instance's leases, for the operator endpoint. */
export interface LeaseSnapshot {
  instanceId: string;
  instances: InstanceView[];
  /** Tenants this instance holds. */
  held: number;
  /** Its fair share at the last rebalance. */
  share: number;
  lastRebalanceAt?: number;
  lastError?: string;
}
