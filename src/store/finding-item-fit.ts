/**
 * A finding whose item DynamoDB would refuse (over 400 KB: GuardDuty descriptions are free text)
 * is stored reduced rather than not at all: its long text fields are cut and the item says so,
 * so the dashboard and the alert still have the finding and the tenant can read the rest in
 * GuardDuty. A finding refused for another reason is stored in its minimal form.
 */
import type { Item } from './db.js';
import { itemSize, MAX_ITEM_BYTES } from './item-size.js';

/** Why and how a stored finding differs from what GuardDuty returned. */
export interface FindingReduction {
  /** `too-large`: over DynamoDB's item size; `refused`: DynamoDB refused the full item as invalid. */
  reason: 'too-large' | 'refused';
  /** The full item's size in bytes, as DynamoDB counts it. */
  originalBytes: number;
  /** Attributes cut short or left out. */
  fields: string[];
}

/** Room left under the limit for the estimate's error and the attributes added later. */
const BUDGET_BYTES = MAX_ITEM_BYTES - 16 * 1024;
/** Characters kept of a cut field: enough to recognise the finding, far under the limit. */
const KEEP_CHARS: Record<string, number> = { description: 4_000, title: 500 };
const DEFAULT_KEEP_CHARS = 1_000;
/** What the minimal form keeps: the keys, what the lists and the alert show, and the retention. */
const MINIMAL = ['pk', 'sk', 'sev', 'accountId', 'id', 'region', 'detectorId', 'type', 'title', 'severity', 'createdAt', 'updatedAt', 'archived', 'count', 'ttl'];
const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'sev', 'id', 'accountId']);

function cut(value: string, keep: number): string {
  return value.length > keep ? `${value.slice(0, keep)}…` : value;
}

/** The item as given when it fits; otherwise with its long text fields cut, flagged `reduced`. */
export function fitFindingItem(item: Item): Item {
  const bytes = itemSize(item);
  if (bytes <= BUDGET_BYTES) return item;
  const fields: string[] = [];
  const fitted: Item = {};
  for (const [name, value] of Object.entries(item)) {
    const keep = KEEP_CHARS[name] ?? DEFAULT_KEEP_CHARS;
    if (typeof value === 'string' && !KEY_ATTRIBUTES.has(name) && value.length > keep) {
      fitted[name] = cut(value, keep);
      fields.push(name);
    } else {
      fitted[name] = value;
    }
  }
  const reduced: FindingReduction = { reason: 'too-large', originalBytes: bytes, fields };
  return { ...fitted, reduced };
}

/** The smallest useful form of a finding item DynamoDB refused; `reason` is DynamoDB's message. */
export function minimalFindingItem(item: Item): Item {
  const minimal: Item = {};
  for (const name of MINIMAL) {
    const value = item[name];
    if (value === undefined) continue;
    minimal[name] = typeof value === 'string' && !KEY_ATTRIBUTES.has(name) ? cut(value, KEEP_CHARS[name] ?? 200) : value;
  }
  const reduced: FindingReduction = { reason: 'refused', originalBytes: itemSize(item), fields: Object.keys(item).filter((name) => !(name in minimal) && name !== 'reduced') };
  return { ...minimal, reduced };
}
