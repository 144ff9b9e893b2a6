import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** Counts of one vitest run, written for `npm test` to fold into its closing line. */
export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Writes the run's counts to `outputFile`. A file that fails to load has no tests to
 * count, so it counts as one failure; so does an error thrown outside any test.
 */
export default class SummaryReporter implements Reporter {
  private readonly outputFile: string | undefined;

  constructor(options: { outputFile?: string } = {}) {
    this.outputFile = options.outputFile;
  }

  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly SerializedError[]): void {
    const summary: TestSummary = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const module of testModules) {
      let counted = 0;
      for (const test of module.children.allTests()) {
        counted += 1;
        const state = test.result().state;
        if (state === 'passed') summary.passed += 1;
        else if (state === 'failed') summary.failed += 1;
        else summary.skipped += 1;
      }
      if (counted === 0 && module.state() === 'failed') summary.failed += 1;
    }
    if (this.outputFile) writeFileSync(this.outputFile, JSON.stringify(summary));
  }
}
