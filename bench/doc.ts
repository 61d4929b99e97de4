// npm run bench:doc: rewrites the generated section of docs/performance.md from bench/results.json.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readResultsStrict } from './lib/results-file.ts';
import { docSection, replaceDocSection } from './lib/report.ts';

const results = fileURLToPath(new URL('./results.json', import.meta.url));
const docPath = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
const file = await readResultsStrict(results);
await writeFile(docPath, replaceDocSection(await readFile(docPath, 'utf8'), docSection(file)));
process.stdout.write(`docs/performance.md: ${Object.keys(file.suites).length} suites from bench/results.json\n`);
