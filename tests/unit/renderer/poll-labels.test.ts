// A poll says what kind of choice it is: "Einfachauswahl" or "Mehrfachauswahl", not "eine Antwort".
import { expect, it } from 'vitest';
import { de } from '../../../apps/desktop/renderer/src/i18n/de.ts';
import { en } from '../../../apps/desktop/renderer/src/i18n/en.ts';

it('labels single- and multiple-choice polls by their kind', () => {
  expect([de['polls.single'], de['polls.multiple']]).toEqual(['Einfachauswahl', 'Mehrfachauswahl']);
  expect([en['polls.single'], en['polls.multiple']]).toEqual(['Single choice', 'Multiple choice']);
});
