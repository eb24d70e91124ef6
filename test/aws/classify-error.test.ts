import t from 'tap';
import { AwsCallError, isAbortError } from '../../src/domain/errors.js';
import { awsFailureKind, classifyAwsError, isSessionError } from '../../src/aws/classify-error.js';

/** An error shaped like the SDK's ServiceException. */
function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  const error = new Error('AWS said something that must not be branched on');
  error.name = name;
  Object.assign(error, { $metadata: status === undefined ? {} : { httpStatusCode: status }, ...extra });
  return error;
}

const site = { service: 'cloudwatch', operation: 'GetMetricData' };

t.test('credentials rejected', async (t) => {
  for (const name of ['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch']) {
    t.equal(awsFailureKind(sdkError(name, 403)), 'credentials', name);
  }
  t.equal(awsFailureKind(sdkError('SomethingNew', 403)), 'credentials', 'an unknown 403 is a refusal');
  t.equal(awsFailureKind(sdkError('SomethingNew', 401)), 'credentials', 'an unknown 401 is a refusal');
});

t.test('throttling', async (t) => {
  for (const name of ['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'LimitExceededException', 'RequestLimitExceeded']) {
    t.equal(awsFailureKind(sdkError(name, 400)), 'throttled', name);
  }
  t.equal(awsFailureKind(sdkError('Whatever', 429)), 'throttled', 'HTTP 429');
  t.equal(awsFailureKind(sdkError('Whatever', 400, { $retryable: { throttling: true } })), 'throttled', '$retryable.throttling');
});

t.test('transient: 5xx, timeouts, network', async (t) => {
  t.equal(awsFailureKind(sdkError('InternalServerErrorException', 500, { $fault: 'server' })), 'transient');
  t.equal(awsFailureKind(sdkError('Unknown', 503)), 'transient', 'any 5xx');
  t.equal(awsFailureKind(sdkError('ServiceUnavailable', undefined, { $fault: 'server' })), 'transient');
  t.equal(awsFailureKind(sdkError('TimeoutError')), 'transient', 'the SDK request timeout');
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']) {
    t.equal(awsFailureKind(Object.assign(new Error('x'), { code })), 'transient', code);
  }
  const wrapped = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) });
  t.equal(awsFailureKind(wrapped), 'transient', 'a network code in the cause chain');
});

t.test('other: remaining client errors', async (t) => {
  t.equal(awsFailureKind(sdkError('ValidationException', 400, { $fault: 'client' })), 'other');
  t.equal(awsFailureKind(sdkError('InvalidParameterValue', 400)), 'other');
  t.equal(awsFailureKind(sdkError('DataUnavailableException', 400)), 'other');
});

t.test('the message text never decides', async (t) => {
  const e = sdkError('ValidationException', 400);
  e.message = 'Rate exceeded: throttling, access denied, internal error';
  t.equal(awsFailureKind(e), 'other');
});

t.test('classifyAwsError builds an AwsCallError without AWS text', async (t) => {
  const original = sdkError('ThrottlingException', 400);
  original.message = 'secret-looking text AKIAEXAMPLE';
  const error = classifyAwsError(original, site);
  t.ok(error instanceof AwsCallError);
  const e = error as AwsCallError;
  t.equal(e.kind, 'throttled');
  t.equal(e.code, 'AWS_THROTTLED');
  t.equal(e.service, 'cloudwatch');
  t.equal(e.awsCode, 'ThrottlingException');
  t.equal(e.cause, original, 'the original is kept as the cause');
  t.notMatch(e.message, /AKIA|secret/, 'AWS text is not copied into the message');
  t.match(e.message, /GetMetricData/);
  t.equal(classifyAwsError(e, site), e, 'an already classified error passes through');
});

t.test('an abort surfaces as an abort, never as a failure kind', async (t) => {
  const controller = new AbortController();
  controller.abort();
  const sdkAbort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  const error = classifyAwsError(sdkAbort, site, controller.signal);
  t.ok(isAbortError(error));
  t.notOk(error instanceof AwsCallError);

  const timeout = new AbortController();
  timeout.abort(new DOMException('timed out', 'TimeoutError'));
  t.ok(isAbortError(classifyAwsError(sdkError('TimeoutError'), site, timeout.signal)), 'a timeout reason still reports an abort');

  const notOurs = classifyAwsError(sdkAbort, site, new AbortController().signal) as AwsCallError;
  t.equal(notOurs.kind, 'transient', 'an AbortError without our signal aborted is a cut connection');
});

t.test('session errors are the ones a fresh assumed-role session may cure', async (t) => {
  t.ok(isSessionError(sdkError('ExpiredTokenException', 400)));
  t.ok(isSessionError(sdkError('InvalidClientTokenId', 403)));
  t.notOk(isSessionError(sdkError('AccessDeniedException', 403)), 'a missing permission is not cured by a new session');
  t.notOk(isSessionError(sdkError('ThrottlingException', 400)));
});
