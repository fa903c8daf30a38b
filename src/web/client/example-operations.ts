/** Ready-made operations GraphiQL opens with (one tab each); a user's own tabs replace them. */

export interface ExampleTab {
  query: string;
  variables?: string;
}

export const EXAMPLE_TABS: readonly ExampleTab[] = [
  {
    query: `# Samaran GraphiQL. Paste a bearer token in the bar
# above (or get a development token), then run with
# Ctrl-Enter. More examples in the other tabs; the
# book icon (top left) browses the schema.
#
# How many applied, were accepted and were rejected.
# Small cells come back as count: null, suppressed: true.
query TotalsByOutcome {
  accountability(groupBy: [OUTCOME]) {
    total
    threshold
    suppressedCells
    cells {
      outcome
      count
      suppressed
    }
  }
}
`,
  },
  {
    query: `# Registrations per wave and province, optionally filtered.
query RegistrationsByWaveAndProvince($filter: CountFilter) {
  accountability(groupBy: [WAVE, PROVINCE], filter: $filter) {
    total
    threshold
    suppressedCells
    cells {
      wave
      province
      count
      suppressed
    }
  }
}
`,
    variables: JSON.stringify({ filter: { wave: [1, 2], province: ['31', '32'] } }, null, 2),
  },
  {
    query: `# Why applications were rejected, in chosen waves.
query RejectionReasons($waves: [Int!]) {
  accountability(groupBy: [REJECTION_REASON], filter: { outcome: [REJECTED], wave: $waves }) {
    total
    threshold
    cells {
      rejectionReason
      count
      suppressed
    }
  }
}
`,
    variables: JSON.stringify({ waves: [1] }, null, 2),
  },
  {
    query: `# People rather than applications: someone who applied to three waves is one
# person and three applications.
query PeopleByGenderAndAgeBand {
  accountability(groupBy: [GENDER, AGE_BAND], measure: PEOPLE) {
    total
    measure
    threshold
    cells {
      gender
      ageBand
      count
      suppressed
    }
  }
}
`,
  },
  {
    query: `# Who the server thinks you are, and the intake waves.
query WhoAmIAndWaves {
  me {
    sub
    roles
  }
  waves {
    number
    opensAt
    closesAt
    quota
  }
}
`,
  },
];
