import type { EnvReader } from '@emporium/config';

/**
 * Whether the seeds write demo data (the demo accounts, whose passwords are published, the
 * reviewers and the catalogue): in development, yes; in production only when
 * SEED_DEMO_DATA=true says so on purpose. Without it a seed only migrates.
 */
export function demoDataWanted(env: EnvReader): boolean {
  return env.bool('SEED_DEMO_DATA', !env.production);
}
