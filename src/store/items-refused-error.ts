/**
 * Items DynamoDB refused as invalid (too large, an empty key, ...): a data error of those items,
 * not a fault of the store or a bug of the caller. The writes around them went through.
 */
import { AppError } from '../domain/errors.js';

/** One item the store refused, by its key, with DynamoDB's reason. */
export interface RefusedItem {
  key: Record<string, unknown>;
  /** DynamoDB's message, e.g. "Item size has exceeded the maximum allowed size" (no item data). */
  reason: string;
}

/** Thrown by a batch write after every other item of it was written. */
export class ItemsRefusedError extends AppError {
  override readonly name = 'ItemsRefusedError';
  readonly table: string;
  readonly refused: RefusedItem[];

  constructor(table: string, refused: RefusedItem[]) {
    super('STORE_ITEMS_REFUSED', `${refused.length} item(s) refused by ${table}`);
    this.table = table;
    this.refused = refused;
  }
}

/**
 * True for DynamoDB's ValidationException: the request itself is invalid and repeating it cannot
 * succeed (DynamoDB API Reference, "Common Errors"). Branch on the name, never on the message.
 */
export function isValidationError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}
