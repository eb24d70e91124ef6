/** Assert that an adapter call fails with a classified AwsCallError of the given shape. */
import type { Test } from 'tap';
import { AwsCallError } from '../../src/domain/errors.js';

/** Resolves with the error, after asserting it is an AwsCallError matching `expected`. */
export async function expectFailure(
  t: Test,
  work: Promise<unknown>,
  expected: Partial<Pick<AwsCallError, 'kind' | 'awsCode' | 'service' | 'code' | 'region' | 'action' | 'operation'>>,
  message = `fails as ${JSON.stringify(expected)}`,
): Promise<AwsCallError | undefined> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!t.ok(error instanceof AwsCallError, `${message}: an AwsCallError (got ${String(error)})`)) return undefined;
  t.match(error, expected, message);
  return error as AwsCallError;
}
