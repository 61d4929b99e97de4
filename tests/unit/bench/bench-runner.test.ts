// The bench's own logic, cheaply: aggregation of repeated runs, suite isolation and the results
// file, and the docs table generated from it. No benchmark runs here.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { percentile, repeated, summarize } from '../../../bench/lib/stats.ts';
import { runParts, runSuites, SuiteSkipped, type Suite } from '../../../bench/lib/runner.ts';
import {
  mergeResults,
  readResults,
  readResultsStrict,
  writeResults,
  emptyResults,
  type SuiteRecord,
} from '../../../bench/lib/results-file.ts';
import { consoleReport, DOC_END, DOC_START, docSection, replaceDocSection } from '../../../bench/lib/report.ts';

const machine = { node: 'v24.9.0', cpuModel: 'Test CPU', cpus: 2, memGiB: 4, commit: 'abc1234567' };

describe('summarize', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even count', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ median: 3, min: 1, max: 5, n: 5 });
    expect(summarize([10, 2, 8, 4])).toEqual({ median: 6, min: 2, max: 10, n: 4 });
  });

  it('refuses no values and non-finite values instead of reporting NaN', () => {
    expect(() => summarize([])).toThrow(/no values/);
    expect(() => summarize([1, Number.NaN])).toThrow(/finite/);
    expect(() => summarize([1, Infinity])).toThrow(/finite/);
  });

  it('repeated() reports the median as the value and keeps count and range', () => {
    const r = repeated([300, 100, 200, 500, 400], { suite: 's', name: 'n', unit: 'ops/s' });
    expect(r).toMatchObject({ value: 300, runs: { n: 5, min: 100, max: 500 } });
  });

  it('percentile() is nearest rank and refuses an empty sample set', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });
});

describe('runSuites', () => {
  const ok = (name: string, value: number): Suite => ({
    name,
    run: async () => [{ suite: name, name: `${name} bench`, value, unit: 'ms' }],
  });

  it('records a throwing suite with its error and still runs the ones after it', async () => {
    const loads = [
      [0.5, 0.4, 0.3],
      [0.7, 0.5, 0.3],
      [0.8, 0.5, 0.3],
      [0.9, 0.6, 0.3],
      [1, 0.6, 0.3],
      [1.2, 0.6, 0.3],
    ];
    let call = 0;
    const records = await runSuites(
      [ok('alpha', 1), { name: 'broken', run: () => Promise.reject(new Error('relay did not start')) }, ok('gamma', 3)],
      { machine, loadavg: () => loads[call++]!, now: () => new Date('2026-12-07T08:00:00Z') },
    );
    expect(records.map((r) => [r.suite, r.error ?? null, r.results.length])).toEqual([
      ['alpha', null, 1],
      ['broken', 'Error: relay did not start', 0],
      ['gamma', null, 1],
    ]);
    expect(records[0]).toMatchObject({
      loadBefore: [0.5, 0.4, 0.3],
      loadAfter: [0.7, 0.5, 0.3],
      machine,
      date: '2026-12-07T08:00:00.000Z',
    });
    expect(records[2]).toMatchObject({ loadBefore: [1, 0.6, 0.3], loadAfter: [1.2, 0.6, 0.3] });
  });

  it('a failed preparation (a build) fails only its suite, which then does not run', async () => {
    let ran = false;
    const records = await runSuites(
      [
        {
          name: 'ui',
          prepare: () => Promise.reject(new Error('vite build failed')),
          run: async () => ((ran = true), []),
        },
        ok('store', 2),
      ],
      { machine, loadavg: () => [0, 0, 0] },
    );
    expect(ran).toBe(false);
    expect(records[0]!.error).toBe('preparation failed: Error: vite build failed');
    expect(records[1]!.results).toHaveLength(1);
  });

  it('keeps the results of the parts of a suite that succeeded when another part throws', async () => {
    const part = (value: number) => async () => [{ suite: 'relay', name: `part ${value}`, value, unit: 'ms' }];
    const records = await runSuites(
      [
        {
          name: 'relay',
          run: () =>
            runParts([
              ['one', part(1)],
              ['two', () => Promise.reject(new Error('not connected'))],
              ['three', part(3)],
            ]),
        },
      ],
      { machine, loadavg: () => [0, 0, 0], onError: () => {} },
    );
    expect(records[0]!.results.map((r) => r.value)).toEqual([1, 3]);
    expect(records[0]!.error).toBe('two: Error: not connected');
  });

  it('records a suite that cannot run here as skipped with its reason, not as failed', async () => {
    const records = await runSuites(
      [{ name: 'peers', run: () => Promise.reject(new SuiteSkipped('mosquitto is not installed')) }],
      { machine, loadavg: () => [0, 0, 0] },
    );
    expect(records[0]).toMatchObject({ suite: 'peers', skipped: 'mosquitto is not installed', results: [] });
    expect(records[0]!.error).toBeUndefined();
    expect(consoleReport(records)).toContain('peers: SKIPPED (mosquitto is not installed)');
    expect(docSection(mergeResults(emptyResults(), records))).toContain('| skipped: mosquitto is not installed |');
  });

  it('writes the suites that succeeded and the failure to the results file, keeping suites not run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kf-bench-test-'));
    try {
      const path = join(dir, 'results.json');
      const first = await runSuites([ok('alpha', 1), ok('beta', 2)], { machine, loadavg: () => [0, 0, 0] });
      await writeResults(path, mergeResults(await readResults(path), first));
      const second = await runSuites([{ name: 'beta', run: () => Promise.reject(new Error('boom')) }, ok('gamma', 3)], {
        machine,
        loadavg: () => [0, 0, 0],
      });
      await writeResults(path, mergeResults(await readResults(path), second));
      const file = await readResultsStrict(path);
      expect(Object.keys(file.suites)).toEqual(['alpha', 'beta', 'gamma']);
      expect(file.suites.alpha!.results[0]!.value).toBe(1);
      expect(file.suites.beta!.error).toBe('Error: boom');
      expect(file.suites.gamma!.results[0]!.value).toBe(3);
      const printed = consoleReport(second);
      expect(printed).toContain('beta: FAILED (Error: boom)');
      expect(printed).toContain('gamma bench');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads an absent or older-format file as empty but refuses it for the docs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kf-bench-test-'));
    try {
      const path = join(dir, 'results.json');
      expect(await readResults(path)).toEqual(emptyResults());
      await writeResults(path, { date: '2026-12-01', results: [] } as never);
      expect(await readResults(path)).toEqual(emptyResults());
      await expect(readResultsStrict(path)).rejects.toThrow(/not a bench results file/);
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ date: '2026-12-01', results: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('docs table', () => {
  const record: SuiteRecord = {
    suite: 'relay',
    date: '2026-12-07T08:00:00.000Z',
    machine,
    loadBefore: [0.52, 0.6, 0.7],
    loadAfter: [1.1, 0.8, 0.7],
    seconds: 95.3,
    results: [
      {
        suite: 'relay',
        name: 'fan-out | 200',
        value: 82_123.4,
        unit: 'deliveries/s',
        runs: { n: 5, min: 79_000, max: 84_000 },
        target: '>= 5,000/s',
        ok: true,
      },
      { suite: 'relay', name: 'latency p50', value: 0.512, unit: 'ms', samples: 600, note: 'no sample dropped' },
      { suite: 'relay', name: 'missed one', value: 60, unit: 'ms', target: '< 50 ms', ok: false },
    ],
  };
  const failed: SuiteRecord = { ...record, suite: 'ui', error: 'Error: no dist/renderer', results: [] };

  it('shows each suite with its load, commit and status, and every result with its runs', () => {
    const section = docSection(mergeResults(emptyResults(), [record, failed]));
    expect(section.startsWith(DOC_START) && section.endsWith(DOC_END)).toBe(true);
    expect(section).toContain(
      '| relay | 2026-12-07 08:00 UTC | abc1234567 | 95.3 | 0.52 / 0.60 / 0.70 | 1.10 / 0.80 / 0.70 | ok |',
    );
    expect(section).toContain(
      '| ui | 2026-12-07 08:00 UTC | abc1234567 | 95.3 | 0.52 / 0.60 / 0.70 | 1.10 / 0.80 / 0.70 | **failed**: Error: no dist/renderer |',
    );
    expect(section).toContain(
      '| relay | fan-out \\| 200 | 82,123 deliveries/s | median of 5: 79,000–84,000 | >= 5,000/s | ok |',
    );
    expect(section).toContain('| relay | latency p50 | 0.51 ms | 1 run; 600 samples |  |  |');
    expect(section).toContain('| relay | missed one | 60.0 ms | 1 run | < 50 ms | **missed** |');
    expect(section).toContain('- relay, latency p50: no sample dropped');
    expect(section).toContain('Test CPU, 2 cores, 4 GiB, Node v24.9.0');
  });

  it('replaces only the text between the markers', () => {
    const doc = `# Performance\n\nintro\n\n${DOC_START}\nold table\n${DOC_END}\n\n## Relay\n\nprose\n`;
    const out = replaceDocSection(doc, `${DOC_START}\nnew\n${DOC_END}`);
    expect(out).toBe(`# Performance\n\nintro\n\n${DOC_START}\nnew\n${DOC_END}\n\n## Relay\n\nprose\n`);
    expect(replaceDocSection(out, `${DOC_START}\nnew\n${DOC_END}`)).toBe(out);
  });

  it('refuses a document without exactly one pair of markers', () => {
    expect(() => replaceDocSection('# no markers', 'x')).toThrow(/exactly one/);
    expect(() => replaceDocSection(`${DOC_END}\n${DOC_START}`, 'x')).toThrow(/exactly one/);
    expect(() => replaceDocSection(`${DOC_START}${DOC_END}${DOC_START}${DOC_END}`, 'x')).toThrow(/exactly one/);
  });
});
