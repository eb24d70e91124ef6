/** Records every call and keeps each account's billable usage (DESIGN.md "What monitoring costs the tenant"). */
import type { BillableUsage, SimCall, SimService } from './types.js';

export class CallRecorder {
  private readonly log: SimCall[] = [];
  private readonly usage = new Map<string, BillableUsage>();

  /** `keep`: calls kept for inspection (the oldest tenth dropped when full); billable totals are kept in full regardless. */
  constructor(private readonly keep = 200_000) {}

  record(call: SimCall): void {
    if (this.keep > 0) {
      if (this.log.length >= this.keep) this.log.splice(0, Math.max(1, Math.floor(this.keep / 10)));
      this.log.push(call);
    }
    if (call.billableUnits <= 0) return;
    const usage = this.usage.get(call.account) ?? { costExplorerRequests: 0, getMetricDataMetrics: 0 };
    if (call.service === 'ce') usage.costExplorerRequests += call.billableUnits;
    else if (call.service === 'cloudwatch' && call.operation === 'GetMetricData') usage.getMetricDataMetrics += call.billableUnits;
    this.usage.set(call.account, usage);
  }

  calls(filter: { account?: string; service?: SimService; operation?: string } = {}): SimCall[] {
    return this.log
      .filter(
        (call) =>
          (filter.account === undefined || call.account === filter.account) &&
          (filter.service === undefined || call.service === filter.service) &&
          (filter.operation === undefined || call.operation === filter.operation),
      )
      .map((call) => ({ ...call }));
  }

  billable(account: string): BillableUsage {
    return { ...(this.usage.get(account) ?? { costExplorerRequests: 0, getMetricDataMetrics: 0 }) };
  }
}
