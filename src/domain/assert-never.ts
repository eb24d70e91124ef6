/** Exhaustiveness: a `switch` over a union calls this in `default`, so a new member is a compile error. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
