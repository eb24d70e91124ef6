/**
 * Which account a request is for, from its access key id, and the sessions AssumeRole issues.
 *
 * Rule for access key ids (documented in README of the simulator, src/sim/index.ts):
 * - `AKIA` or `ASIA` followed by 12 digits: that 12-digit account (session keys the simulator
 *   issues are `ASIA<account><4 chars>`, so they map back even across restarts);
 * - any other key: a 12-digit account derived from a hash of the key id (stable forever).
 */
import { randomBytes } from 'node:crypto';
import { hashString } from './prng.js';

const ENCODED_ACCOUNT = /^(?:AKIA|ASIA)(\d{12})/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The 12-digit account an access key id belongs to. */
export function accountForAccessKey(accessKeyId: string): string {
  const match = ENCODED_ACCOUNT.exec(accessKeyId);
  if (match?.[1]) return match[1];
  return String(hashString(accessKeyId) % 1_000_000_000_000).padStart(12, '0');
}

/** A static access key id (20 characters) that maps to `awsAccountId`. */
export function accessKeyIdForAccount(awsAccountId: string): string {
  if (!/^\d{12}$/.test(awsAccountId)) throw new Error('an AWS account id has 12 digits');
  return `AKIA${awsAccountId}SIMK`;
}

/** An assumed-role session, known by its access key id. */
export interface RoleSession {
  account: string;
  roleName: string;
  sessionName: string;
  roleId: string;
  expiresAt: number;
}

/** Session credentials as AssumeRole returns them. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  session: RoleSession;
}

/** Remembers issued sessions so GetCallerIdentity can name the role and session. */
export class SessionBook {
  private readonly sessions = new Map<string, RoleSession>();
  private counter = 0;

  /** Issue credentials for a role session in `account`, valid for `durationSec` from `nowMs`. */
  issue(account: string, roleName: string, sessionName: string, nowMs: number, durationSec: number): IssuedCredentials {
    this.counter = (this.counter + 1) % BASE32.length ** 4;
    let suffix = '';
    for (let n = this.counter, i = 0; i < 4; i++, n = Math.floor(n / BASE32.length)) suffix += BASE32[n % BASE32.length];
    const accessKeyId = `ASIA${account}${suffix}`;
    const roleId = `AROA${String(hashString(`${account}/${roleName}`)).padStart(16, '0').slice(0, 17)}`;
    const session: RoleSession = { account, roleName, sessionName, roleId, expiresAt: nowMs + durationSec * 1000 };
    // Keep the book bounded: a long demo run assumes roles every hour per account.
    if (this.sessions.size >= 100_000) this.sessions.clear();
    this.sessions.set(accessKeyId, session);
    return {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
      expiration: new Date(session.expiresAt),
      session,
    };
  }

  /** The session behind a key issued by this simulator, if it remembers it. */
  find(accessKeyId: string): RoleSession | undefined {
    return this.sessions.get(accessKeyId);
  }
}
