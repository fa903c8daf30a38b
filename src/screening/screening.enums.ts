import { registerEnumType } from 'type-graphql';

/** Which partner list an agreement brings in. Values are stored as these strings. */
export enum ListKind {
  STATE_ENTERPRISE_OFFICIAL = 'STATE_ENTERPRISE_OFFICIAL',
  CIVIL_SERVANT = 'CIVIL_SERVANT',
  MILITARY_POLICE = 'MILITARY_POLICE',
  STUDENT = 'STUDENT',
  PESANTREN_STUDENT = 'PESANTREN_STUDENT',
  WORKER = 'WORKER',
  SOCIAL_AID_RECIPIENT = 'SOCIAL_AID_RECIPIENT',
  POPULATION_REGISTRY = 'POPULATION_REGISTRY',
}

/** A list version is OPEN while chunks arrive, ACTIVE once committed, REPLACED by a later commit. */
export enum ListVersionState {
  OPEN = 'OPEN',
  ACTIVE = 'ACTIVE',
  REPLACED = 'REPLACED',
}

registerEnumType(ListKind, {
  name: 'ListKind',
  description: 'The partner list a data-sharing agreement brings in.',
  valuesConfig: {
    STATE_ENTERPRISE_OFFICIAL: { description: 'Directors and commissioners of state-owned enterprises (Ministry of State-Owned Enterprises).' },
    CIVIL_SERVANT: { description: 'Civil servants (Taspen).' },
    MILITARY_POLICE: { description: 'Military and police personnel (Asabri).' },
    STUDENT: { description: 'Students (education ministry).' },
    PESANTREN_STUDENT: { description: 'Pesantren students (religious affairs ministry).' },
    WORKER: { description: 'Registered workers (manpower ministry / BPJS Ketenagakerjaan).' },
    SOCIAL_AID_RECIPIENT: { description: 'Recipients of other social aid (social affairs ministry).' },
    POPULATION_REGISTRY: { description: 'Population-registry validation (Dukcapil).' },
  },
});
