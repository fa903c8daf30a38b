import { ApplicationCountCell, CountJournalEntry, CountVersion, PersonCountCell } from '../accountability/count-cell.entity';
import { AccessEvent, AccessEventSubject, AccessLogHead } from '../access-log/access-event.entity';
import { ErasureRequest } from '../erasure/erasure-request.entity';
import { LegalHold } from '../erasure/legal-hold.entity';
import { DataKey } from '../pseudonymization/data-key.entity';
import { VaultEntry } from '../pseudonymization/vault-entry.entity';
import { Wave } from '../registration/wave.entity';
import { Application } from '../subjects/application.entity';
import { Subject } from '../subjects/subject.entity';
import { DataSharingAgreement } from '../screening/agreement.entity';
import { ScreeningListEntry, ScreeningListVersion } from '../screening/screening-list.entity';

/** Every entity, listed explicitly: discovery never scans folders. */
export const ENTITIES = [Wave, Subject, Application, VaultEntry, DataKey, AccessEvent, AccessEventSubject, AccessLogHead, ApplicationCountCell, PersonCountCell, CountVersion, CountJournalEntry, ErasureRequest, LegalHold, DataSharingAgreement, ScreeningListVersion, ScreeningListEntry];
