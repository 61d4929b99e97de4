// Aggregation of repeated runs: a single timing flips order with a neighbour under load, the
// median of several does far less often, and min–max shows how much the machine moved.
import type { BenchResult } from '../types.ts';

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('summarize: no values');
  if (values.some((v) => !Number.isFinite(v)))
    throw new Error(`summarize: not a finite number in ${values.join(', ')}`);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, n: sorted.length };
}

/** The p-th percentile (0–100) by nearest rank; throws on no samples rather than reporting NaN. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A result whose value is the median of repeated runs, with their count and range. */
export function repeated(values: readonly number[], result: Omit<BenchResult, 'value' | 'runs'>): BenchResult {
  const s = summarize(values);
  return { ...result, value: s.median, runs: { n: s.n, min: s.min, max: s.max } };
}

/** Runs `fn` `times` times in a row and returns each run's number. */
export async function repeat(times: number, fn: (round: number) => Promise<number> | number): Promise<number[]> {
  const values: number[] = [];
  for (let round = 0; round < times; round++) values.push(await fn(round));
  return values;
}
