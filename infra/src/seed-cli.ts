/** `npm run seed -- [--products N] [--force]`: demo accounts and catalogue in the local stack. */
import { parseSeedArgs, type SeedArgs } from '@emporium/seed';
import { seed } from './seed.ts';

let args: SeedArgs;
try {
  args = parseSeedArgs(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error('usage: npm run seed -- [--products N] [--force]');
  process.exit(2);
}

const started = performance.now();
try {
  await seed(args);
  console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error('Is the local stack up? `npm run infra -- status` shows it, `npm run infra -- up` starts it.');
  process.exitCode = 1;
}
