// bench/results.json: the latest record of every suite that has run, each with the machine, the
// commit and the load it ran at, so a partial run (`npm run bench -- relay`) updates its suites and
// keeps the others. Read back through a schema: the docs table is generated from this file.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BenchResult } from '../types.ts';

const finite = z.number().finite();
const load = z.tuple([finite, finite, finite]);

const resultSchema = z.object({
  suite: z.string(),
  name: z.string(),
  value: finite,
  unit: z.string(),
  runs: z.object({ n: z.number().int().positive(), min: finite, max: finite }).optional(),
  samples: z.number().int().nonnegative().optional(),
  target: z.string().optional(),
  ok: z.boolean().optional(),
  note: z.string().optional(),
}) satisfies z.ZodType<BenchResult>;

export const machineSchema = z.object({
  node: z.string(),
  cpuModel: z.string(),
  cpus: z.number().int().positive(),
  memGiB: z.number().nonnegative(),
  commit: z.string(),
});
export type Machine = z.infer<typeof machineSchema>;

export const suiteRecordSchema = z.object({
  suite: z.string(),
  date: z.string(),
  machine: machineSchema,
  /** os.loadavg() (1, 5, 15 minutes) just before and just after the suite. */
  loadBefore: load,
  loadAfter: load,
  seconds: finite,
  /** Set when the suite threw: its results are what it returned before (none), the error says why. */
  error: z.string().optional(),
  /** Set when the suite could not run here (a program it measures against is not installed). */
  skipped: z.string().optional(),
  results: z.array(resultSchema),
});
export type SuiteRecord = z.infer<typeof suiteRecordSchema>;

export const resultsFileSchema = z.object({
  version: z.literal(2),
  suites: z.record(z.string(), suiteRecordSchema),
});
export type ResultsFile = z.infer<typeof resultsFileSchema>;

export const emptyResults = (): ResultsFile => ({ version: 2, suites: {} });

/** The suites just run replace their earlier records; the others stay. */
export function mergeResults(previous: ResultsFile, records: readonly SuiteRecord[]): ResultsFile {
  const suites = { ...previous.suites };
  for (const record of records) suites[record.suite] = record;
  return { version: 2, suites: Object.fromEntries(Object.entries(suites).sort(([a], [b]) => a.localeCompare(b))) };
}

/** The file's records, or none when it is absent or of an older format (which a new run replaces). */
export async function readResults(path: string): Promise<ResultsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyResults();
    throw error;
  }
  const parsed = resultsFileSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : emptyResults();
}

/** Strict read for the docs: a missing or malformed file is an error, not an empty table. */
export async function readResultsStrict(path: string): Promise<ResultsFile> {
  const parsed = resultsFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path} is not a bench results file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export async function writeResults(path: string, file: ResultsFile): Promise<void> {
  await writeFile(path, JSON.stringify(file, null, 2) + '\n');
}
