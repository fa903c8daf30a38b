import { expect } from 'vitest';
import type { TestServer } from '../integration/harness';

/** GraphQL operations and helpers shared by the erasure and key-lifecycle tests. */

export const REQUEST_ERASURE = /* GraphQL */ `
  mutation RequestErasure($input: RequestErasureInput!) {
    requestErasure(input: $input) { id subjectId reason status filedBy dueAt overdue note decision decidedByPolicy decidedBy decisionNote legalBasis obligationsOpenUntil }
  }
`;
export const DECIDE_ERASURE = /* GraphQL */ `
  mutation DecideErasure($input: DecideErasureInput!) {
    decideErasure(input: $input) { id subjectId status decision decidedBy decidedByPolicy decisionNote legalBasis note }
  }
`;
export const ERASURE_REQUESTS = /* GraphQL */ `
  query ErasureRequests($status: ErasureStatus, $first: Int, $after: String) {
    erasureRequests(status: $status, first: $first, after: $after) {
      edges { cursor node { id subjectId status dueAt overdue } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
export const REVEAL = /* GraphQL */ `
  mutation Reveal($subjectId: ID!, $fields: [PersonalField!]!, $purpose: String!) {
    reveal(subjectId: $subjectId, fields: $fields, purpose: $purpose) { subjectId nik fullName birthDate email phone addressLine }
  }
`;
export const FIND_BY_NIK = /* GraphQL */ `
  query Find($nik: String!, $purpose: String!) { findSubjectByNik(nik: $nik, purpose: $purpose) { id state } }
`;
export const REQUEST_LEGAL_HOLD = /* GraphQL */ `
  mutation Hold($input: RequestLegalHoldInput!) { requestLegalHold(input: $input) { id subjectId status expiresAt } }
`;
export const APPROVE_LEGAL_HOLD = /* GraphQL */ `
  mutation Approve($input: ApproveLegalHoldInput!) { approveLegalHold(input: $input) { id status approvedBy expiresAt } }
`;
export const ACCESS_LOG = /* GraphQL */ `
  query Log($filter: AccessLogFilter, $first: Int) {
    accessLog(filter: $filter, first: $first) { edges { node { seq actor action subjectIds fields outcome reason reference purpose } } }
  }
`;

const DIMENSIONS = ['WAVE', 'PROVINCE', 'GENDER', 'AGE_BAND', 'EDUCATION', 'EMPLOYMENT', 'OUTCOME', 'REJECTION_REASON'];

/**
 * Exact counts (AUDITOR) for both measures: the total, grouped by each dimension alone, and by all
 * dimensions at once (the finest grain). Two snapshots are equal exactly when no count changed.
 */
export async function exactCountSnapshot(t: TestServer, auditor: string): Promise<Record<string, unknown>> {
  const query = /* GraphQL */ `
    query Counts($groupBy: [Dimension!], $measure: Measure) {
      accountability(groupBy: $groupBy, measure: $measure, exact: true) {
        total cells { wave province gender ageBand education employment outcome rejectionReason count suppressed }
      }
    }
  `;
  const snapshot: Record<string, unknown> = {};
  for (const measure of ['APPLICATIONS', 'PEOPLE']) {
    for (const groupBy of [[], ...DIMENSIONS.map((d) => [d]), DIMENSIONS]) {
      const response = await t.graphql(query, { groupBy, measure }, auditor);
      expect(response.body.errors).toBeUndefined();
      snapshot[`${measure}:${groupBy.join('+') || 'TOTAL'}`] = response.body.data;
    }
  }
  return snapshot;
}

/** Count cells agree with a recount of subjects and applications. */
export async function reconcile(t: TestServer): Promise<unknown[]> {
  const services = t.server.services;
  return services.database.fork().transactional((tx) => services.counts.reconcile(tx));
}
