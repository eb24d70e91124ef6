/** Records every call and keeps each account's billable usage (DESIGN.md "What monitoring costs the tenant"). */
import type { BillableUsage, SimCall, SimService } from './types.js';

/** Calls kept for inspection; billable totals are kept in full regardless. */
const MAX_CALLS = 200_000;

export class CallRecorder {
  private readonly log: SimCall[] = [];
  private readonly usage = new Map<string, BillableUsage>();

  record(call: SimCall): void {
    if (this.log.length >= MAX_CALLS) this.log.splice(0, MAX_CALLS / 10);
    this.log.push(call);
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
