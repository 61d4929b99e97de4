// Prints "N passed, N failed" from the JSON reports of vitest (unit + integration) and Playwright
// (e2e). A suite that did not run (an earlier step failed) counts nothing.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;

if (existsSync('test-results/unit.json')) {
  const unit = JSON.parse(readFileSync('test-results/unit.json', 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
  };
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
}
if (existsSync('test-results/e2e.json')) {
  const e2e = JSON.parse(readFileSync('test-results/e2e.json', 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number };
  };
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
}
console.log(`${passed} passed, ${failed} failed`);
