// Runs suites one after the other, each isolated: a suite that throws (or whose preparation, such
// as a build, fails) is recorded with its error and the next one still runs. Every record carries
// the load average before and after, so a slow number can be told from a busy machine.
import os from 'node:os';
import type { BenchResult } from '../types.ts';
import type { Machine, SuiteRecord } from './results-file.ts';

/** Thrown by a suite that cannot run here (a missing program): recorded as skipped with the reason, not as a failure. */
export class SuiteSkipped extends Error {
  override name = 'SuiteSkipped';
}

/** Thrown by a suite of independent parts when some failed: the results of the others are kept. */
export class SuitePartlyFailed extends Error {
  override name = 'SuitePartlyFailed';
  readonly results: BenchResult[];
  constructor(message: string, results: BenchResult[]) {
    super(message);
    this.results = results;
  }
}

/** Runs independent parts of a suite in order; a part that throws does not stop the others. */
export async function runParts(
  parts: ReadonlyArray<readonly [string, () => Promise<BenchResult[]>]>,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const failures: string[] = [];
  for (const [name, part] of parts) {
    try {
      results.push(...(await part()));
    } catch (e) {
      failures.push(`${name}: ${describe(e)}`);
      process.stderr.write(`part ${name} failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    }
  }
  if (failures.length > 0) throw new SuitePartlyFailed(failures.join('; '), results);
  return results;
}

export interface Suite {
  /** The file's name without `.bench.ts`, e.g. "relay". */
  name: string;
  /** Work the suite needs first that is not measured (a build); its failure fails the suite. */
  prepare?: () => Promise<void>;
  run: () => Promise<BenchResult[]>;
}

export interface RunnerDeps {
  machine: Machine;
  loadavg?: () => number[];
  now?: () => Date;
  onStart?: (suite: Suite) => void;
  onEnd?: (record: SuiteRecord) => void;
  /** A suite's error with its stack, for the console (the record keeps the message). */
  onError?: (suite: Suite, error: unknown) => void;
}

const roundLoad = (l: number[]) =>
  [l[0] ?? 0, l[1] ?? 0, l[2] ?? 0].map((x) => Math.round(x * 100) / 100) as [number, number, number];

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2000);
  return String(error).slice(0, 2000);
}

export async function runSuites(suites: readonly Suite[], deps: RunnerDeps): Promise<SuiteRecord[]> {
  const loadavg = deps.loadavg ?? (() => os.loadavg());
  const now = deps.now ?? (() => new Date());
  const records: SuiteRecord[] = [];
  for (const suite of suites) {
    deps.onStart?.(suite);
    let results: BenchResult[] = [];
    let error: string | undefined;
    let skipped: string | undefined;
    try {
      await suite.prepare?.();
    } catch (e) {
      error = `preparation failed: ${describe(e)}`;
    }
    const date = now().toISOString();
    const loadBefore = roundLoad(loadavg());
    const start = performance.now();
    if (error === undefined) {
      try {
        results = await suite.run();
      } catch (e) {
        if (e instanceof SuiteSkipped) skipped = e.message;
        else {
          if (e instanceof SuitePartlyFailed) results = e.results;
          error = e instanceof SuitePartlyFailed ? e.message : describe(e);
          deps.onError?.(suite, e);
        }
      }
    }
    const record: SuiteRecord = {
      suite: suite.name,
      date,
      machine: deps.machine,
      loadBefore,
      loadAfter: roundLoad(loadavg()),
      seconds: Math.round((performance.now() - start) / 100) / 10,
      ...(error === undefined ? {} : { error }),
      ...(skipped === undefined ? {} : { skipped }),
      results,
    };
    records.push(record);
    deps.onEnd?.(record);
  }
  return records;
}
