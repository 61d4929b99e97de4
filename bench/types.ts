/** One measured number. A benchmark file (`bench/*.bench.ts`) exports `run(): Promise<BenchResult[]>`. */
export interface BenchResult {
  /** Group, e.g. "crypto", "store", "relay". */
  suite: string;
  /** What was measured, e.g. "envelope seal (200 B)". */
  name: string;
  /** A single measurement, or the median of `runs` when the measurement was repeated. */
  value: number;
  /** e.g. "ops/s", "ms", "MB/s", "MB". */
  unit: string;
  /** Present when the measurement was repeated: how often, and the lowest and highest run. */
  runs?: { n: number; min: number; max: number };
  /** For percentiles and latencies: how many samples the figure was taken from. */
  samples?: number;
  /** The budget in words, e.g. "< 30 ms" (empty when there is none). */
  target?: string;
  /** Whether the budget held; undefined when there is no budget. */
  ok?: boolean;
  note?: string;
}
