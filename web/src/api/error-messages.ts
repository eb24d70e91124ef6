/**
 * What to tell a person for each error code the API returns (Problem.code). Codes we do not know
 * fall back to the server's title and detail, then to the HTTP status.
 */
import { ApiError } from './api-error.js';

/** Known codes and what to say; exported so a test can check every code the server throws is here. */
export const MESSAGES: Readonly<Record<string, string>> = {
  // ours (no answer, or not the answer we expect)
  NETWORK: 'The service could not be reached. Check your connection and try again.',
  BAD_RESPONSE: 'The service answered with something unexpected. Try again in a moment.',
  // the request itself
  VALIDATION_FAILED: 'Some fields need attention.',
  BAD_REQUEST: 'The request was not valid. Reload the page and try again.',
  MALFORMED_JSON: 'The request could not be read. Reload the page and try again.',
  UNSUPPORTED_MEDIA_TYPE: 'The request could not be read. Reload the page and try again.',
  PAYLOAD_TOO_LARGE: 'That is too much data for one request.',
  METHOD_NOT_ALLOWED: 'That action is not available here. Reload the page and try again.',
  NOT_IMPLEMENTED: 'That is not available on this server yet.',
  INVALID_QUERY: 'Those filters are not valid. Reset them and try again.',
  INVALID_ID: 'That link or item id is not valid.',
  INVALID_TIME: 'That time is not valid.',
  INVALID_STATUS: 'That status is not valid.',
  INVALID_EMAIL: 'That is not an email address.',
  CONFLICT: 'Someone changed this at the same time. Reload and try again.',
  TENANT_EXISTS: 'That organization already exists. Try again.',
  INVALID_RANGE: 'Pick a time range of at most 31 days, starting before it ends.',
  INVALID_CURSOR: 'That page of results is no longer available. Go back to the first page.',
  INVALID_EXPIRY: 'Pick an expiry in the future, or none.',
  TOO_MANY_RULES: 'You have as many suppression rules as allowed. Remove one to add another.',
  // sign-up, log-in, sessions
  UNAUTHENTICATED: 'Please log in to continue.',
  INVALID_CREDENTIALS: 'That email and password do not match an account.',
  EMAIL_NOT_VERIFIED: 'Your email address is not verified yet. Use the link we emailed you, or send a new one.',
  EMAIL_TAKEN: 'That email address belongs to another account. Use a different address.',
  INVALID_TOKEN: 'This link is not valid: it was already used, has expired, or was copied incompletely. Ask for a new one.',
  RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
  // two-factor sign-in
  INVALID_MFA_CODE: 'That code is not right. Enter the current 6-digit code from your authenticator app, or a recovery code.',
  MFA_ALREADY_ENABLED: 'Two-factor sign-in is already on for your account.',
  MFA_NOT_STARTED: 'Start setting up two-factor sign-in first, then enter the code your app shows.',
  MFA_NOT_ENABLED: 'Two-factor sign-in is not on for your account. Turn it on first.',
  MFA_ENROLMENT_REQUIRED: 'Your organization requires two-factor sign-in. Set it up in Settings to continue.',
  CSRF: 'The request was refused because it did not come from this page. Reload and try again.',
  FORBIDDEN: 'You are not allowed to do that.',
  LAST_OWNER: 'An organization needs an owner. Make someone else owner first.',
  TOKEN_NOT_ALLOWED: 'API tokens cannot manage sign-ins, people or tokens.',
  TOKEN_SCOPE: 'This API token is read-only.',
  ROLE_REQUIRED: 'Your role in this organization does not allow that. Ask an owner or admin.',
  WRONG_PASSWORD: 'That is not your current password.',
  UNKNOWN_HOST: 'This address does not serve the dashboard. Open it at its usual address.',
  // alert channels
  CHANNEL_URL_INVALID: 'That is not a valid webhook URL.',
  CHANNEL_URL_NOT_HTTPS: 'The URL must start with https://.',
  CHANNEL_URL_NOT_SLACK: 'A Slack incoming webhook URL starts with https://hooks.slack.com/services/.',
  CHANNEL_TARGET_FORBIDDEN: 'That URL points to a private or local address, which alerts may not be sent to.',
  CHANNEL_LIMIT: 'You have as many alert channels as allowed. Remove one to add another.',
  // AWS accounts
  ACCOUNT_EXISTS: 'That AWS account is already connected.',
  TOO_MANY_ACCOUNTS: 'You have connected as many AWS accounts as allowed. Delete one to add another.',
  INVALID_ACCOUNT: 'The account details are not valid. Check the role ARN or the access key.',
  CREDENTIALS_REJECTED: 'AWS refused these credentials. Check the role ARN, its trust policy and the External ID, or the access key.',
  AWS_UNAVAILABLE: 'AWS is not answering right now. Try again in a minute.',
  AWS_ACCOUNT_MISMATCH: 'Those credentials belong to a different AWS account than this one.',
  AWS_TIMEOUT: 'AWS did not answer in time. Try again.',
  // metric selection
  AWS_CALL_FAILED: "CloudWatch did not answer for this account (its credentials, permissions or a throttle). Check the account's status and try again.",
  REGION_NOT_MONITORED: "That region is not one of this account's regions. Add it to the account first.",
  // the operator view
  OPERATOR_UNAUTHORIZED: 'Enter a valid operator token (the OPERATOR_TOKEN the service runs with).',
  OPERATOR_LOOPBACK_ONLY: 'This service has no operator token set, so its operator view only answers on the machine it runs on.',
  // anything that no longer exists
  NOT_FOUND: 'That item no longer exists. It may have been deleted.',
  // the server
  INTERNAL: 'The service had a problem. Try again in a moment.',
  UNAVAILABLE: 'The service is starting or overloaded. Try again in a moment.',
};

const BY_STATUS: Record<number, string> = {
  400: 'The request was not valid.',
  401: 'Please log in to continue.',
  403: 'You are not allowed to do that.',
  404: 'That item was not found.',
  409: 'That conflicts with the current state. Reload and try again.',
  413: 'That is too much data for one request.',
  415: 'The request could not be read. Reload the page and try again.',
  429: 'Too many requests. Wait a minute and try again.',
};

/** The sentence to show for an error. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Reload the page and try again.';
  const known = MESSAGES[error.code];
  if (known !== undefined) return known;
  const problem = error.problem;
  if (problem !== undefined) return [problem.title, problem.detail].filter((part) => part !== undefined && part !== '').join(': ');
  return BY_STATUS[error.status] ?? (error.status >= 500 ? MESSAGES['INTERNAL']! : `The request failed (HTTP ${error.status}).`);
}

/** The server's detail, when it adds something to the message (e.g. which AWS error it was). */
export function errorDetail(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || MESSAGES[error.code] === undefined) return undefined;
  const detail = error.problem?.detail;
  return detail !== undefined && detail !== '' ? detail : undefined;
}

/**
 * A validator's message in plain words: zod's defaults ("Too big: expected string to have <=100
 * characters") become "Use at most 100 characters."; our own schema messages ("not an email
 * address") get a capital and a full stop.
 */
export function plainFieldMessage(message: string): string {
  const count = /([<>]=?)\s*(\d+)\s*(character|item|element)/.exec(message);
  if (count !== null) {
    const [, op, n, unit] = count;
    const noun = unit === 'character' ? 'character' : 'item';
    const plural = n === '1' ? noun : `${noun}s`;
    return op!.startsWith('<') ? `Use at most ${n} ${plural}.` : n === '1' && noun === 'character' ? 'This is required.' : `Use at least ${n} ${plural}.`;
  }
  if (/expected [a-z]+, received undefined/i.test(message) || /^required$/i.test(message)) return 'This is required.';
  if (/^invalid option/i.test(message)) return 'Pick one of the options.';
  if (/^unrecognized key/i.test(message)) return 'This field is not expected here. Reload the page and try again.';
  if (/^(invalid input|too big|too small)/i.test(message)) return 'This value is not valid.';
  const text = message.trim();
  if (text === '') return 'This value is not valid.';
  return `${text[0]!.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

/** Per-field messages of a validation error in plain words, keyed by field path. */
export function fieldErrors(error: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  // the server names fields "body.email" / "query.from"; forms know them as "email" / "from"
  if (error instanceof ApiError) for (const item of error.problem?.errors ?? []) fields[item.path.replace(/^(body|query)\./, '')] = plainFieldMessage(item.message);
  return fields;
}
