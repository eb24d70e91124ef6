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

t.test('identity: STS refuses the role or the keys; any endpoint refuses unknown keys', async (t) => {
  for (const name of ['AccessDenied', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken']) {
    t.equal(awsFailureKind(sdkError(name, 403), 'sts'), 'identity', `sts ${name}`);
  }
  for (const name of ['InvalidClientTokenId', 'UnrecognizedClientException', 'ExpiredTokenException', 'SignatureDoesNotMatch']) {
    t.equal(awsFailureKind(sdkError(name, 403), 'cloudwatch'), 'identity', `cloudwatch ${name} (the caller narrows it to a region)`);
  }
  t.equal(awsFailureKind(sdkError('SomethingNew', 403), 'sts'), 'identity', 'an unknown 403 from STS refuses the identity');
});

t.test('permission: one operation denied to an identity the service accepted', async (t) => {
  for (const name of ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']) {
    t.equal(awsFailureKind(sdkError(name, 403), 'ce'), 'permission', name);
  }
  t.equal(awsFailureKind(sdkError('SomethingNew', 403), 'guardduty'), 'permission', 'an unknown 403 denies the operation only');
  t.equal(awsFailureKind(sdkError('SomethingNew', 401), 'cloudwatch'), 'permission', 'an unknown 401 too');
  const error = classifyAwsError(sdkError('AccessDeniedException', 400), { service: 'ce', operation: 'GetRightsizingRecommendation' }) as AwsCallError;
  t.equal(error.action, 'ce:GetRightsizingRecommendation', 'the IAM action the tenant must add');
  t.equal(error.operation, 'GetRightsizingRecommendation');
});

t.test('feature not enabled, no data yet', async (t) => {
  t.equal(awsFailureKind(sdkError('SubscriptionRequiredException', 400), 'health'), 'feature');
  t.equal(awsFailureKind(sdkError('OptInRequired', 403), 'ec2'), 'feature');
  t.equal(awsFailureKind(sdkError('DataUnavailableException', 400), 'ce'), 'no_data', 'a new account has no forecast yet');
});

t.test('an answer that is not JSON or XML is transient, with its own stable code', async (t) => {
  const html = Object.assign(new SyntaxError('Unexpected token \'<\', "<html><bod"... is not valid JSON'), { $metadata: { httpStatusCode: 502 } });
  t.equal(awsFailureKind(html), 'transient');
  const error = classifyAwsError(html, site) as AwsCallError;
  t.equal(error.awsCode, 'UnparseableResponse');
  t.notMatch(error.message, /SyntaxError|html/i, 'no parser text reaches tenants');
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
