// Writes apps/desktop/build/policy/*.admx|adml and docs/policies.md from the policy definitions.
import { mkdir, writeFile } from 'node:fs/promises';
import { renderAdml, renderAdmx, renderPolicyDocs } from '../apps/desktop/build/policy/templates.ts';

await mkdir('apps/desktop/build/policy/de-DE', { recursive: true });
await mkdir('apps/desktop/build/policy/en-US', { recursive: true });
await writeFile('apps/desktop/build/policy/klinikfunk.admx', renderAdmx());
await writeFile('apps/desktop/build/policy/de-DE/klinikfunk.adml', renderAdml('de'));
await writeFile('apps/desktop/build/policy/en-US/klinikfunk.adml', renderAdml('en'));
await writeFile('docs/policies.md', renderPolicyDocs());
console.log('wrote apps/desktop/build/policy/klinikfunk.admx, de-DE and en-US .adml, docs/policies.md');
