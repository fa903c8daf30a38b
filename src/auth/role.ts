import { registerEnumType } from 'type-graphql';

/** Roles come from the JWT claim `roles`; a principal may hold several. */
export enum Role {
  REPORTER = 'REPORTER',
  ANALYST = 'ANALYST',
  OFFICER = 'OFFICER',
  AUDITOR = 'AUDITOR',
  AGENCY = 'AGENCY',
  OPERATOR = 'OPERATOR',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What a principal may do; carried in the JWT claim `roles`.',
  valuesConfig: {
    REPORTER: { description: 'Reporting front ends: aggregate counts only, small cells suppressed.' },
    ANALYST: { description: 'Agency analysts: counts and pseudonymous records (no personal field).' },
    OFFICER: { description: 'Data-protection officers: NIK lookup, audited reveal, erasure decisions.' },
    AUDITOR: { description: 'Auditors: the access log, and exact counts (themselves logged).' },
    AGENCY: { description: 'Partner agencies: submit screening lists under their own agreements.' },
    OPERATOR: { description: 'Registration platform and programme operations.' },
  },
});

const ROLE_VALUES: ReadonlySet<string> = new Set(Object.values(Role));

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && ROLE_VALUES.has(value);
}
