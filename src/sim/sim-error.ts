/**
 * An error the simulator answers with, and the "common" errors each service really sends for
 * throttling, server faults and refused credentials (codes and statuses as the services send them;
 * the SDK's `name` for each is what its deserializer derives from them).
 */
import type { SimService } from './types.js';

/** An AWS error response: `code` is the wire code, `status` the HTTP status. */
export class SimError extends Error {
  override readonly name = 'SimError';
  readonly code: string;
  readonly status: number;
  /**
   * For CloudWatch (awsJson with awsQueryCompatible): the legacy query code sent in
   * `x-amzn-query-error`, which the SDK prefers over the JSON code (e.g. `Throttling`).
   */
  readonly queryCode: string | undefined;
  /** Shape namespace for `__type` in JSON bodies (`com.amazonaws.costexplorer`). */
  readonly namespace: string | undefined;

  constructor(code: string, message: string, options: { status?: number; queryCode?: string; namespace?: string } = {}) {
    super(message);
    this.code = code;
    this.status = options.status ?? 400;
    this.queryCode = options.queryCode;
    this.namespace = options.namespace;
  }

  /** `Sender` for 4xx, `Receiver` for 5xx, as awsQuery `<Type>` and the query-compat header say. */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** The failure kinds faults and the pipeline produce. */
export type CommonErrorKind = 'throttle' | 'internal' | 'unavailable' | 'badCredentials' | 'missingAuth' | 'unknownOperation';

const TOKEN_INVALID = 'The security token included in the request is invalid.';
const MISSING_AUTH = 'Missing Authentication Token';

/** The error `service` really answers with for `kind`. */
export function commonError(service: SimService, kind: CommonErrorKind, operation = ''): SimError {
  switch (service) {
    case 'sts':
      return stsError(kind, operation);
    case 'cloudwatch':
      return cloudWatchError(kind, operation);
    case 'ce':
      return costExplorerError(kind, operation);
    case 'health':
      // AWS Health models no throttling error: Coral's generic ThrottlingException (awsJson1_1).
      return kind === 'throttle' ? new SimError('ThrottlingException', 'Rate exceeded', { namespace: 'com.amazon.coral.availability' }) : costExplorerError(kind, operation);
    case 'guardduty':
      return restJsonError(kind, operation, 'InternalServerErrorException');
    case 'securityhub':
      // Security Hub throttles with its modelled LimitExceededException, HTTP 429 (securityhub.json).
      return kind === 'throttle' ? new SimError('LimitExceededException', 'Rate exceeded', { status: 429 }) : restJsonError(kind, operation, 'InternalException');
    case 'ses':
      return restJsonError(kind, operation, 'InternalServiceErrorException');
  }
}

function stsError(kind: CommonErrorKind, operation: string): SimError {
  switch (kind) {
    case 'throttle':
      return new SimError('Throttling', 'Rate exceeded', { status: 400 });
    case 'internal':
      return new SimError('InternalFailure', 'An internal error occurred.', { status: 500 });
    case 'unavailable':
      return new SimError('ServiceUnavailable', 'Service is unavailable.', { status: 503 });
    case 'badCredentials':
      return new SimError('InvalidClientTokenId', TOKEN_INVALID, { status: 403 });
    case 'missingAuth':
      return new SimError('MissingAuthenticationToken', 'Request is missing Authentication Token', { status: 403 });
    case 'unknownOperation':
      return new SimError('InvalidAction', `Could not find operation ${operation} for version 2011-06-15`, { status: 400 });
  }
}

/** CloudWatch speaks awsJson1_0 but keeps its query-era codes in `x-amzn-query-error`. */
function cloudWatchError(kind: CommonErrorKind, operation: string): SimError {
  const ns = 'com.amazonaws.cloudwatch';
  switch (kind) {
    case 'throttle':
      return new SimError('ThrottlingException', 'Rate exceeded', { status: 400, queryCode: 'Throttling', namespace: 'com.amazon.coral.availability' });
    case 'internal':
      return new SimError('InternalServiceFault', 'Internal service error.', { status: 500, queryCode: 'InternalServiceError', namespace: ns });
    case 'unavailable':
      return new SimError('ServiceUnavailableException', 'Service is unavailable.', { status: 503, queryCode: 'ServiceUnavailable', namespace: 'com.amazon.coral.availability' });
    case 'badCredentials':
      return new SimError('UnrecognizedClientException', TOKEN_INVALID, { status: 403, queryCode: 'InvalidClientTokenId', namespace: 'com.amazon.coral.service' });
    case 'missingAuth':
      return new SimError('MissingAuthenticationTokenException', MISSING_AUTH, { status: 403, queryCode: 'MissingAuthenticationToken', namespace: 'com.amazon.coral.service' });
    case 'unknownOperation':
      return new SimError('UnknownOperationException', `Unknown operation ${operation}`, { status: 400, namespace: 'com.amazon.coral.service' });
  }
}

/** Cost Explorer (awsJson1_1): throttles with its modelled LimitExceededException; generic codes are Coral's. */
function costExplorerError(kind: CommonErrorKind, operation: string): SimError {
  switch (kind) {
    case 'throttle':
      return new SimError('LimitExceededException', 'Rate exceeded', { namespace: 'com.amazonaws.costexplorer' });
    case 'internal':
      return new SimError('InternalFailure', 'An internal error occurred.', { status: 500, namespace: 'com.amazon.coral.service' });
    case 'unavailable':
      return new SimError('ServiceUnavailableException', 'Service is unavailable.', { status: 503, namespace: 'com.amazon.coral.availability' });
    case 'badCredentials':
      return new SimError('UnrecognizedClientException', TOKEN_INVALID, { status: 400, namespace: 'com.amazon.coral.service' });
    case 'missingAuth':
      return new SimError('MissingAuthenticationTokenException', MISSING_AUTH, { status: 400, namespace: 'com.amazon.coral.service' });
    case 'unknownOperation':
      return new SimError('UnknownOperationException', `Unknown operation ${operation}`, { status: 400, namespace: 'com.amazon.coral.service' });
  }
}

/** restJson1 services (GuardDuty, SESv2): the code travels in `x-amzn-ErrorType`. */
function restJsonError(kind: CommonErrorKind, operation: string, internalCode: string): SimError {
  switch (kind) {
    case 'throttle':
      return new SimError('TooManyRequestsException', 'Rate exceeded', { status: 429 });
    case 'internal':
      return new SimError(internalCode, 'Internal server error', { status: 500 });
    case 'unavailable':
      return new SimError('ServiceUnavailableException', 'Service Unavailable', { status: 503 });
    case 'badCredentials':
      return new SimError('UnrecognizedClientException', TOKEN_INVALID, { status: 403 });
    case 'missingAuth':
      return new SimError('MissingAuthenticationTokenException', MISSING_AUTH, { status: 403 });
    case 'unknownOperation':
      return new SimError('UnknownOperationException', `Unknown operation ${operation}`, { status: 404 });
  }
}

/** A 400 validation error in the service's own code (ValidationError for STS and CloudWatch's query code). */
export function validationError(service: SimService, message: string): SimError {
  switch (service) {
    case 'sts':
      return new SimError('ValidationError', message);
    case 'cloudwatch':
      return new SimError('ValidationException', message, { queryCode: 'ValidationError', namespace: 'com.amazonaws.cloudwatch' });
    case 'ce':
    case 'health':
      return new SimError('ValidationException', message, { namespace: 'com.amazon.coral.validate' });
    case 'guardduty':
    case 'ses':
      return new SimError('BadRequestException', message);
    case 'securityhub':
      return new SimError('InvalidInputException', message);
  }
}
