import { registerEnumType } from 'type-graphql';
import type { PersonalFieldName } from '../pseudonymization/sealed-field';

/** The personal fields an OFFICER may ask `reveal` for. */
export enum PersonalField {
  NIK = 'NIK',
  FULL_NAME = 'FULL_NAME',
  BIRTH_DATE = 'BIRTH_DATE',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  ADDRESS_LINE = 'ADDRESS_LINE',
}

registerEnumType(PersonalField, { name: 'PersonalField', description: 'A personal field held sealed in the vault.' });

export const VAULT_FIELD: Readonly<Record<PersonalField, PersonalFieldName>> = {
  [PersonalField.NIK]: 'nik',
  [PersonalField.FULL_NAME]: 'fullName',
  [PersonalField.BIRTH_DATE]: 'birthDate',
  [PersonalField.EMAIL]: 'email',
  [PersonalField.PHONE]: 'phone',
  [PersonalField.ADDRESS_LINE]: 'addressLine',
};
