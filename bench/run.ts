// Runs every bench/*.bench.ts (or those whose name contains an argument), prints one table and
// writes bench/results.json. Usage: npm run bench [-- crypto store]
import { readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import os from 'node:os';
import type { BenchResult } from './types.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run: () => Promise<BenchResult[]> };
  process.stderr.write(`running ${file} ...\n`);
  results.push(...(await mod.run()));
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const rows = results.map((r) => [
  r.suite,
  r.name,
  `${fmt(r.value)} ${r.unit}`,
  r.target ?? '',
  r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
]);
const header = ['suite', 'benchmark', 'result', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
for (const r of results) if (r.note) console.log(`  ${r.name}: ${r.note}`);

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};
await writeFile(
  join(here, 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2) + '\n',
);
if (results.some((r) => r.ok === false)) process.exitCode = 1;
