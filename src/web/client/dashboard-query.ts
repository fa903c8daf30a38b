/** The dashboard's one request: the waves and five count tables under the same filter. */

export const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard($filter: CountFilter, $rejectedFilter: CountFilter) {
    waves {
      number
    }
    byOutcome: accountability(groupBy: [OUTCOME], filter: $filter) {
      total
      threshold
      suppressedCells
      cells {
        outcome
        count
        suppressed
      }
    }
    byWave: accountability(groupBy: [WAVE], filter: $filter) {
      total
      threshold
      suppressedCells
      cells {
        wave
        count
        suppressed
      }
    }
    byWaveOutcome: accountability(groupBy: [WAVE, OUTCOME], filter: $filter) {
      total
      threshold
      suppressedCells
      cells {
        wave
        outcome
        count
        suppressed
      }
    }
    byProvince: accountability(groupBy: [PROVINCE], filter: $filter) {
      total
      threshold
      suppressedCells
      cells {
        province
        count
        suppressed
      }
    }
    byRejectionReason: accountability(groupBy: [REJECTION_REASON], filter: $rejectedFilter) {
      total
      threshold
      suppressedCells
      cells {
        rejectionReason
        count
        suppressed
      }
    }
  }
`;

export interface DashboardFilter {
  wave?: number[];
  province?: string[];
}

export function dashboardVariables(filter: DashboardFilter): Record<string, unknown> {
  return { filter, rejectedFilter: { ...filter, outcome: ['REJECTED'] } };
}
