/**
 * The bearer token the pages send, kept in sessionStorage only: it disappears with the tab, is
 * never written to localStorage, a cookie or a URL, and is never sent anywhere but this origin's
 * POST /graphql.
 */

export const ROLES = ['REPORTER', 'ANALYST', 'OFFICER', 'AUDITOR', 'AGENCY', 'OPERATOR'] as const;
export type RoleName = (typeof ROLES)[number];

/** One page's token slot (the dashboard and GraphiQL keep separate ones). */
export class SessionToken {
  private readonly key: string;

  constructor(page: 'dashboard' | 'graphiql') {
    this.key = `samaran.${page}.bearerToken`;
  }

  get(): string | null {
    return sessionStorage.getItem(this.key);
  }

  /** Stores a pasted token; a leading "Bearer " is dropped. */
  set(token: string): void {
    sessionStorage.setItem(this.key, token.trim().replace(/^Bearer\s+/i, ''));
  }

  forget(): void {
    sessionStorage.removeItem(this.key);
  }
}

export interface TokenClaims {
  sub?: string;
  roles?: string[];
  exp?: number;
}

/** The token's payload as the page can read it (unverified: only for showing who you are). */
export function readClaims(token: string): TokenClaims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as TokenClaims) : null;
  } catch {
    return null;
  }
}

/** A short description of the stored token for the page header. */
export function describeToken(token: string | null, now: Date = new Date()): string {
  if (!token) return 'No token';
  const claims = readClaims(token);
  if (!claims) return 'Token set (not a readable JWT)';
  const roles = claims.roles?.length ? claims.roles.join(', ') : 'no roles';
  const expired = typeof claims.exp === 'number' && claims.exp * 1000 <= now.getTime();
  return `${claims.sub ?? 'unknown subject'} · ${roles}${expired ? ' · expired' : ''}`;
}

/** Whether the server offers POST /dev/token (everywhere except production). */
export function developmentTokensAvailable(): boolean {
  return document.body.dataset.developmentTokens === 'available';
}

/** Asks this server for a development token for `role`; throws with the server's reason. */
export async function fetchDevelopmentToken(role: RoleName): Promise<string> {
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(body.error ?? `development token refused (HTTP ${response.status})`);
  return body.token;
}
