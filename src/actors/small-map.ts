/**
 * A Map for keys that are nearly always one: the first key and its value are kept in fields, and
 * a Map is made only when a second key arrives. An empty Map already holds a ~190-byte table; a
 * collector keeps its run status per account in one of these (five a tenant, and most tenants
 * watch one account), which saves ~1 KB a tenant at 10,000 tenants (issue 14).
 */
export class SmallMap<K, V> {
  #first = false;
  #key: K | undefined;
  #value: V | undefined;
  /** Every key but the first, made on the second key. */
  #rest: Map<K, V> | undefined;

  has(key: K): boolean {
    return (this.#first && sameValueZero(this.#key, key)) || (this.#rest?.has(key) ?? false);
  }

  get(key: K): V | undefined {
    return this.#first && sameValueZero(this.#key, key) ? this.#value : this.#rest?.get(key);
  }

  set(key: K, value: V): this {
    if (!this.#first || sameValueZero(this.#key, key)) {
      this.#first = true;
      this.#key = key;
      this.#value = value;
    } else {
      (this.#rest ??= new Map()).set(key, value);
    }
    return this;
  }

  get size(): number {
    return (this.#first ? 1 : 0) + (this.#rest?.size ?? 0);
  }
}

/** Map's key equality: `===`, except that NaN equals NaN. */
function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
