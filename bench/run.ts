// Runs bench/*.bench.ts (or those whose name contains an argument), prints one table and merges the
// suites' records into bench/results.json (see lib/results-file.ts); `npm run bench:doc` turns that
// file into the table in docs/performance.md. Usage: npm run bench [-- crypto store]
// Each suite is isolated: one that fails is reported with its error and the others still run and
// are written. Opt-in suites (peers: needs mosquitto, runs minutes) run only when named.
import { execFileSync, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import os from 'node:os';
import type { BenchResult } from './types.ts';
// The suites apply events to stores of their own: with the feature folders registered, as core/wiring.ts does.
import '../tests/harness/store-features.ts';
import { mergeResults, readResults, writeResults, type Machine } from './lib/results-file.ts';
import { consoleReport } from './lib/report.ts';
import { runSuites, type Suite } from './lib/runner.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..');
const OPT_IN = new Set(['peers']);

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd: repoRoot,
        encoding: 'utf8',
      }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/** `npm run <script>` with the npm that started this run (npm_execpath). */
function npmRun(script: string): Promise<void> {
  const npm = process.env.npm_execpath;
  const [cmd, args] = npm ? [process.execPath, [npm, 'run', script]] : ['npm', ['run', script]];
  return new Promise((resolve, reject) => {
    // The build's output goes to stderr: stdout is the results table.
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run ${script} exited with ${code}`))));
  });
}

/** What a suite needs built before it can run. */
const PREPARE: Record<string, () => Promise<void>> = {
  ui: () => npmRun('build:renderer'),
};

const filters = process.argv.slice(2);
const names = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((n) => (filters.length === 0 ? !OPT_IN.has(n) : filters.some((x) => n.includes(x))))
  .sort();
if (names.length === 0) {
  process.stderr.write(`no bench suite matches ${filters.join(', ')}\n`);
  process.exit(2);
}

const suites: Suite[] = names.map((name) => ({
  name,
  ...(PREPARE[name] ? { prepare: PREPARE[name] } : {}),
  run: async () => {
    const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
      run: () => Promise<BenchResult[]>;
    };
    return mod.run();
  },
}));

// A suite that leaves a rejected promise behind must not end the whole run: report it and go on.
process.on('unhandledRejection', (reason) =>
  process.stderr.write(`unhandled rejection during the bench (a suite's bug): ${String(reason)}\n`),
);

const machine: Machine = {
  node: process.version,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  cpus: os.cpus().length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  commit: commit(),
};
const records = await runSuites(suites, {
  machine,
  onStart: (s) =>
    process.stderr.write(
      `running ${s.name} (load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' / ')}) ...\n`,
    ),
  onError: (s, e) => process.stderr.write(`${s.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`),
  onEnd: (r) =>
    process.stderr.write(
      r.error ? `${r.suite} FAILED after ${r.seconds} s: ${r.error}\n` : `${r.suite} done in ${r.seconds} s\n`,
    ),
});

console.log(consoleReport(records));
const resultsPath = join(here, 'results.json');
await writeResults(resultsPath, mergeResults(await readResults(resultsPath), records));
console.log(`\nwritten to bench/results.json; \`npm run bench:doc\` puts it into docs/performance.md`);
const failed = records.some((r) => r.error !== undefined);
const missed = records.some((r) => r.results.some((x) => x.ok === false));
// Every suite ran; the exit code says whether one failed or missed a target.
process.exit(failed || missed ? 1 : 0);
