import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAdml, renderAdmx, renderPolicyDocs } from '../../../apps/desktop/build/policy/templates.ts';
import { ALL_POLICIES } from '../../../apps/desktop/electron/core/policy/definitions.ts';

const ADMX = 'apps/desktop/build/policy/klinikfunk.admx';
const ADML = {
  de: 'apps/desktop/build/policy/de-DE/klinikfunk.adml',
  en: 'apps/desktop/build/policy/en-US/klinikfunk.adml',
} as const;
const read = (path: string) => readFileSync(path, 'utf8');
const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);

describe('Group Policy templates', () => {
  it('the committed templates and docs are what the definitions generate (run npm run policy:templates)', () => {
    expect(read(ADMX)).toBe(renderAdmx());
    expect(read(ADML.de)).toBe(renderAdml('de'));
    expect(read(ADML.en)).toBe(renderAdml('en'));
    expect(read('docs/policies.md')).toBe(renderPolicyDocs());
  });

  it('are well-formed XML (xmllint)', () => {
    for (const file of [ADMX, ADML.de, ADML.en]) {
      expect(() => execFileSync('xmllint', ['--noout', file], { stdio: 'pipe' }), file).not.toThrow();
    }
  });

  it('validate against the ADMX/ADML schema (subset of Microsoft PolicyDefinitions, xmllint --schema)', () => {
    const validate = (schema: string, file: string) =>
      execFileSync('xmllint', ['--noout', '--schema', schema, file], { stdio: 'pipe' });
    expect(() => validate('apps/desktop/build/policy/schema/policy-definitions.xsd', ADMX)).not.toThrow();
    for (const file of [ADML.de, ADML.en])
      expect(
        () => validate('apps/desktop/build/policy/schema/policy-definition-resources.xsd', file),
        file,
      ).not.toThrow();
  });

  it('the schema check fails a template that breaks it (control)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kf-admx-'));
    try {
      const bad = join(dir, 'bad.admx');
      writeFileSync(bad, read(ADMX).replace('class="Both"', 'class="Everyone"'));
      expect(() =>
        execFileSync(
          'xmllint',
          ['--noout', '--schema', 'apps/desktop/build/policy/schema/policy-definitions.xsd', bad],
          { stdio: 'pipe' },
        ),
      ).toThrow();
      const duplicate = join(dir, 'duplicate.adml');
      writeFileSync(duplicate, read(ADML.de).replace('<string id="RelayUrl_Help">', '<string id="RelayUrl">'));
      expect(() =>
        execFileSync(
          'xmllint',
          ['--noout', '--schema', 'apps/desktop/build/policy/schema/policy-definition-resources.xsd', duplicate],
          { stdio: 'pipe' },
        ),
      ).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every policy in code has an ADMX entry and every ADMX entry is a policy in code', () => {
    const admx = read(ADMX);
    const inAdmx = all(admx, /<policy name="([^"]+)"/g).sort();
    const inCode = ALL_POLICIES.map((d) => d.valueName).sort();
    expect(inAdmx).toEqual(inCode);
    // Each policy writes the value name the resolver reads.
    for (const def of ALL_POLICIES) expect(admx).toContain(`valueName="${def.valueName}"`);
  });

  it.each(['de', 'en'] as const)('the %s ADML defines every string and presentation the ADMX references', (lang) => {
    const admx = read(ADMX);
    const adml = read(ADML[lang]);
    const strings = new Set(all(adml, /<string id="([^"]+)"/g));
    const presentations = new Set(all(adml, /<presentation id="([^"]+)"/g));
    for (const id of all(admx, /\$\(string\.([^)]+)\)/g)) expect(strings.has(id), id).toBe(true);
    for (const id of all(admx, /\$\(presentation\.([^)]+)\)/g)) expect(presentations.has(id), id).toBe(true);
  });

  it('the German ADML is German', () => {
    expect(read(ADML.de)).toContain('Sperre bei Inaktivität');
    expect(read(ADML.en)).toContain('Lock when idle');
  });
});
