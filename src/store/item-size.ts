/**
 * The size DynamoDB gives an item, to keep items under its 400 KB limit before a write is refused.
 * The rules are AWS's, from the DynamoDB Developer Guide, "Item sizes and formats"
 * (CapacityUnitCalculations.html) and "Service, account, and table quotas" (400 KB per item,
 * counting attribute names and values): a string is its UTF-8 length; a number about one byte
 * per two significant digits plus one; a boolean or null one byte; a list or map 3 bytes plus
 * one byte per element plus the elements (and, in a map, their names). This estimate rounds up.
 */

/** DynamoDB's maximum item size, names and values included. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Bytes of one attribute value (a plain JavaScript value as the document client marshals it). */
export function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/[^0-9]/g, '').replace(/^0+/, '').replace(/0+$/, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const element of value) size += valueSize(element);
    return size;
  }
  if (Array.isArray(value)) return value.reduce((size: number, element) => size + 1 + valueSize(element), 3);
  if (typeof value === 'object') return 3 + itemSize(value as Record<string, unknown>) + Object.keys(value).length;
  return Buffer.byteLength(String(value), 'utf8');
}

/** Bytes of an item: each attribute's name plus its value. */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue; // the document client removes undefined attributes
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return size;
}
