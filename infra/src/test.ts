/**
 * `npm test`: formatting, lint and types, then every vitest layer (unit, integration on the
 * real stack, e2e through the router), ending with one closing line of counts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestSummary } from '@emporium/testing/reporter';
import { repoRoot } from './config.ts';

const bin = (name: string): string => join(repoRoot, 'node_modules', '.bin', name);

const STATIC_CHECKS: readonly { name: string; command: string; args: string[] }[] = [
  { name: 'format (prettier)', command: bin('prettier'), args: ['--check', '--log-level=warn', '.'] },
  { name: 'lint (eslint)', command: bin('eslint'), args: ['--max-warnings=0', '.'] },
  { name: 'types (tsc)', command: bin('tsc'), args: ['-p', 'tsconfig.json'] },
  // The browser app has its own compiler settings (DOM, JSX) that Node code must not see.
  { name: 'types (tsc, storefront)', command: bin('tsc'), args: ['-p', 'storefront/tsconfig.json'] },
];

function main(): number {
  const totals: TestSummary = { passed: 0, failed: 0, skipped: 0 };

  for (const check of STATIC_CHECKS) {
    console.log(`\n=== ${check.name}`);
    const result = spawnSync(check.command, check.args, { cwd: repoRoot, stdio: 'inherit' });
    if (result.status === 0) {
      totals.passed += 1;
      console.log('ok');
    } else {
      totals.failed += 1;
    }
  }

  // Extra arguments go to vitest, e.g. `npm test -- --project unit`.
  const dir = mkdtempSync(join(tmpdir(), 'emporium-test-'));
  const summaryFile = join(dir, 'summary.json');
  console.log('\n=== vitest');
  const vitest = spawnSync(bin('vitest'), ['run', ...process.argv.slice(2)], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, EMPORIUM_TEST_SUMMARY: summaryFile },
  });
  if (existsSync(summaryFile)) {
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as TestSummary;
    totals.passed += summary.passed;
    totals.failed += summary.failed;
    totals.skipped += summary.skipped;
  } else {
    // vitest ended before reporting (a config error, a crash): that is a failure too.
    totals.failed += 1;
  }
  rmSync(dir, { recursive: true, force: true });
  if (vitest.status !== 0 && totals.failed === 0) totals.failed += 1;

  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals.failed === 0 ? 0 : 1;
}

process.exit(main());
