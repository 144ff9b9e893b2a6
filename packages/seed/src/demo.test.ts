import { describe, expect, it } from 'vitest';
import { loadConfig } from '@emporium/config';
import { demoDataWanted } from './demo.ts';

describe('demoDataWanted', () => {
  it('seeds demo data in development and not in production, unless said otherwise', () => {
    expect(loadConfig(demoDataWanted, {})).toBe(true);
    expect(loadConfig(demoDataWanted, { NODE_ENV: 'production' })).toBe(false);
    expect(loadConfig(demoDataWanted, { NODE_ENV: 'production', SEED_DEMO_DATA: 'true' })).toBe(true);
    expect(loadConfig(demoDataWanted, { SEED_DEMO_DATA: 'false' })).toBe(false);
  });
});
