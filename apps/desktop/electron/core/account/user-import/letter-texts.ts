// The registration letter's wording for the PDF, word for word as the app's letter view shows it
// (renderer i18n `letter.*`; tests/unit/account/user-import/letters-pdf.test.ts compares them).
export interface LetterTexts {
  title: string;
  greeting: string;
  intro: string;
  name: string;
  organisation: string;
  relay: string;
  key: string;
  expires: string;
  stepsTitle: string;
  steps: [string, string, string];
  security: string;
  locale: string;
}

export const LETTER_TEXTS: Record<'de' | 'en', LetterTexts> = {
  de: {
    title: 'Ihr Zugang zu Klinikfunk',
    greeting: 'Guten Tag {name},',
    intro:
      'mit diesem Brief richten Sie Klinikfunk an Ihrem Arbeitsplatz ein. Der Registrierungsschlüssel gilt einmal und nur für Sie.',
    name: 'Name',
    organisation: 'Organisation',
    relay: 'Serveradresse',
    key: 'Registrierungsschlüssel',
    expires: 'Gültig bis',
    stepsTitle: 'So geht es',
    steps: [
      'Starten Sie Klinikfunk und wählen Sie „Mit Registrierungsschlüssel beitreten“.',
      'Geben Sie den Schlüssel und, falls nicht schon eingetragen, die Serveradresse ein.',
      'Wählen Sie eine Passphrase und danach eine PIN für die Bildschirmsperre.',
    ],
    security:
      'Geben Sie diesen Brief nicht weiter. Vernichten Sie ihn nach der Einrichtung. Ist der Schlüssel abgelaufen, erstellt Ihre Administration einen neuen.',
    locale: 'de-DE',
  },
  en: {
    title: 'Your access to Klinikfunk',
    greeting: 'Dear {name},',
    intro:
      'with this letter you set up Klinikfunk at your workstation. The registration key works once and only for you.',
    name: 'Name',
    organisation: 'Organisation',
    relay: 'Server address',
    key: 'Registration key',
    expires: 'Valid until',
    stepsTitle: 'How it works',
    steps: [
      'Start Klinikfunk and choose "Join with a registration key".',
      'Enter the key and, if not already filled in, the server address.',
      'Choose a passphrase and then a PIN for the screen lock.',
    ],
    security:
      'Do not pass this letter on. Destroy it after setup. If the key has expired, your administrator creates a new one.',
    locale: 'en-GB',
  },
};
