/**
 * Every link an email holds, built from the configured public URL and nothing else: never from a
 * request's Host header or any data, so a forged request cannot make us mail a phishing link.
 */
import { AppError } from '../domain/errors.js';

/** The links of the web app an email may point to. */
export interface MailLinks {
  dashboard: string;
  /** Notification preferences, where the tenant turns alerts and the digest off. */
  preferences: string;
  findings: string;
  costs: string;
  recommendations: string;
  /** The connected accounts, where an account is updated or checked. */
  accounts: string;
  /** The page that reads `token` and confirms the address. */
  verify(token: string): string;
  /** The password reset page; with `token`, the page that sets the new password. */
  reset(token?: string): string;
}

/** Paths relative to the public URL; one place to change if the web app's routes move. */
const PATHS = {
  dashboard: '',
  preferences: 'settings',
  findings: 'findings',
  costs: 'costs',
  recommendations: 'recommendations',
  accounts: 'accounts',
  verify: 'verify',
  reset: 'reset',
} as const;

/**
 * Build the links. `publicUrl` must be an absolute http(s) URL without credentials; a path
 * prefix is kept (`https://example.com/health` -> `https://example.com/health/settings`).
 * Throws `AppError('INVALID_PUBLIC_URL')` otherwise.
 */
export function mailLinks(publicUrl: string): MailLinks {
  let base: URL;
  try {
    base = new URL(publicUrl);
  } catch (cause) {
    throw new AppError('INVALID_PUBLIC_URL', 'the public URL is not an absolute URL', { cause });
  }
  if ((base.protocol !== 'https:' && base.protocol !== 'http:') || base.username !== '' || base.password !== '') {
    throw new AppError('INVALID_PUBLIC_URL', 'the public URL must be http(s) and carry no credentials');
  }
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const at = (path: string) => new URL(path, base).href;
  return {
    dashboard: at(PATHS.dashboard),
    preferences: at(PATHS.preferences),
    findings: at(PATHS.findings),
    costs: at(PATHS.costs),
    recommendations: at(PATHS.recommendations),
    accounts: at(PATHS.accounts),
    verify(token: string) {
      const url = new URL(PATHS.verify, base);
      url.searchParams.set('token', token);
      return url.href;
    },
    reset(token?: string) {
      const url = new URL(PATHS.reset, base);
      if (token !== undefined) url.searchParams.set('token', token);
      return url.href;
    },
  };
}
