/**
 * TOTP (RFC 6238) through `otpauth`, the one file that knows that library: 6 digits, 30 s,
 * SHA-1 (what every authenticator app reads from an otpauth:// URI), a window of one step either
 * side for clock drift. Codes are checked against an injected clock and give back the time step
 * they matched, so the caller can refuse a code whose step was used already (RFC 6238 §5.2:
 * "the verifier MUST NOT accept the second attempt of the same OTP").
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD_S = 30;
const DIGITS = 6;
/** Steps accepted either side of now (RFC 6238 §5.2 recommends at most one). */
const WINDOW = 1;
/** Recovery codes per enrolment, each 80 random bits. */
export const RECOVERY_CODE_COUNT = 10;

/** A new 160-bit secret (RFC 4226 §4 recommends 160), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads (as a QR code or pasted). */
export function totpUri(secret: string, account: string, issuer: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD_S, algorithm: 'SHA1' }).toString();
}

/** The time step `code` is valid for at `nowMs`, or undefined when it is not a current code. */
export function totpStep(secret: string, code: string, nowMs: number): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD_S, algorithm: 'SHA1', timestamp: nowMs, window: WINDOW });
  if (delta === null) return undefined;
  return TOTP.counter({ period: PERIOD_S, timestamp: nowMs }) + delta;
}

/** The code of `secret` at `nowMs` (tests and the demo; a user's app computes the same). */
export function totpCode(secret: string, nowMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD_S, algorithm: 'SHA1', timestamp: nowMs });
}

/** Ten fresh recovery codes, `xxxx-xxxx-xxxx-xxxx` (base32, 80 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    (new Secret({ size: 10 }).base32.toLowerCase().match(/.{4}/g) ?? []).join('-'),
  );
}
