// Who works in the demo clinic. Every name, ward and person here is invented; the passphrases and
// PINs exist only for this demo and are printed on the console so anyone can sign in.
export const ORG_NAME = 'Klinikum Musterstadt (Demo)';

export const WARD_INTERNAL = 'Station 3A Innere';
export const WARD_SURGERY = 'Station 4B Chirurgie';

export interface Person {
  displayName: string;
  ward: string | null;
  role: 'admin' | 'member';
  passphrase: string;
  pin: string;
}

export const ADMIN: Person = {
  displayName: 'Thomas Wagner (IT)',
  ward: null,
  role: 'admin',
  passphrase: 'Serverraum-Keller-2026',
  pin: '508317',
};
/** Early shift on 3A: the profile the ward PC opens with. */
export const NURSE_EARLY: Person = {
  displayName: 'Lena Hoffmann',
  ward: WARD_INTERNAL,
  role: 'member',
  passphrase: 'Fruehdienst-Station-3A',
  pin: '314159',
};
/** Night shift on 3A: the second profile on the same ward PC (a shared workstation). */
export const NURSE_NIGHT: Person = {
  displayName: 'Jonas Becker',
  ward: WARD_INTERNAL,
  role: 'member',
  passphrase: 'Nachtdienst-Station-3A',
  pin: '271828',
};
export const DOCTOR: Person = {
  displayName: 'Dr. Miriam Schäfer',
  ward: WARD_INTERNAL,
  role: 'member',
  passphrase: 'Visite-Innere-3A',
  pin: '161803',
};
