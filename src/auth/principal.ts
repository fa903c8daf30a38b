import type { Role } from './role';

/** The caller as the server sees it after verifying its bearer token. */
export interface Principal {
  readonly sub: string;
  readonly roles: readonly Role[];
  /** Only for AGENCY principals: which partner agency (claim `agency`). */
  readonly agency: string | null;
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}
