// A small writer of the Prometheus text exposition format (version 0.0.4): counters, gauges
// (read when scraped) and histograms. prom-client is not among the relay's dependencies, and the
// relay needs only these three kinds. Label values are the caller's promise of no personal data:
// the relay uses labels only for protocol versions (docs/operations.md, "Metrics").

type Labels = Readonly<Record<string, string>>;
export interface Sample {
  labels?: Labels;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeValue = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const formatLabels = (labels: Labels | undefined) => {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  for (const [key] of entries) if (!NAME.test(key) || key.startsWith('__')) throw new Error(`bad label name ${key}`);
  return `{${entries.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}`;
};
const formatNumber = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  lines(): Promise<string[]>;
}

export interface Counter {
  inc(by?: number): void;
}
export interface Histogram {
  /** One observation, in the histogram's unit (seconds for *_seconds). */
  observe(value: number): void;
}

export class MetricsRegistry {
  readonly #families: Family[] = [];

  #add(family: Family): void {
    if (!NAME.test(family.name)) throw new Error(`bad metric name ${family.name}`);
    if (this.#families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} twice`);
    this.#families.push(family);
  }

  counter(name: string, help: string): Counter {
    let value = 0;
    this.#add({ name, help, type: 'counter', lines: async () => [`${name} ${value}`] });
    return {
      inc(by = 1) {
        if (by > 0) value += by;
      },
    };
  }

  /** A gauge read when scraped; a collector that throws leaves the gauge out of that scrape. */
  gauge(name: string, help: string, collect: () => number | Sample[] | Promise<number | Sample[]>): void {
    this.#add({
      name,
      help,
      type: 'gauge',
      lines: async () => {
        const got = await collect();
        const samples = typeof got === 'number' ? [{ value: got }] : got;
        return samples.map((s) => `${name}${formatLabels(s.labels)} ${formatNumber(s.value)}`);
      },
    });
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const bounds = [...buckets].sort((a, b) => a - b);
    const counts = bounds.map(() => 0);
    let count = 0;
    let sum = 0;
    this.#add({
      name,
      help,
      type: 'histogram',
      lines: async () => [
        ...bounds.map((b, i) => `${name}_bucket{le="${formatNumber(b)}"} ${counts[i]}`),
        `${name}_bucket{le="+Inf"} ${count}`,
        `${name}_sum ${sum}`,
        `${name}_count ${count}`,
      ],
    });
    return {
      observe(value) {
        if (!Number.isFinite(value)) return;
        count++;
        sum += value;
        for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) counts[i]!++;
      },
    };
  }

  /** The exposition text; families whose collector failed are left out (their names in `failed`). */
  async render(): Promise<{ text: string; failed: string[] }> {
    const out: string[] = [];
    const failed: string[] = [];
    for (const family of this.#families) {
      let lines: string[];
      try {
        lines = await family.lines();
      } catch {
        failed.push(family.name);
        continue;
      }
      out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`, ...lines);
    }
    return { text: `${out.join('\n')}\n`, failed };
  }
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
