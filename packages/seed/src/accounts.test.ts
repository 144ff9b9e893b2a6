import { describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNTS,
  DEMO_ADMIN,
  DEMO_SHOPPER,
  MAX_REVIEWS_PER_PRODUCT,
  REVIEWER_NAMESPACE,
  reviewer,
  reviewerCount,
} from './accounts.ts';
import { UUID_PATTERN, seedUuid } from './uuid.ts';

describe('demo accounts', () => {
  it('have distinct ids and emails and the documented roles', () => {
    expect(new Set(DEMO_ACCOUNTS.map((account) => account.id)).size).toBe(2);
    expect(DEMO_ADMIN).toMatchObject({ email: 'admin@emporium.dev', roles: ['ADMIN', 'SHOPPER'] });
    expect(DEMO_SHOPPER).toMatchObject({ email: 'shopper@emporium.dev', roles: ['SHOPPER'] });
  });

  it('have passwords that pass the registration rules', () => {
    for (const { password, email, displayName } of DEMO_ACCOUNTS) {
      expect(password.length).toBeGreaterThanOrEqual(10);
      const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password));
      expect(classes.length).toBeGreaterThanOrEqual(2);
      expect(password.toLowerCase()).not.toBe(email);
      expect(password.toLowerCase()).not.toBe(displayName.toLowerCase());
    }
  });
});

describe('reviewers', () => {
  it('scale with the catalogue within bounds, never below the reviews one product can get', () => {
    expect(reviewerCount(1)).toBeGreaterThanOrEqual(MAX_REVIEWS_PER_PRODUCT);
    expect(reviewerCount(10_000)).toBe(1_000);
    expect(reviewerCount(1_000_000)).toBe(50_000);
    expect(reviewerCount(20_000)).toBeGreaterThan(reviewerCount(10_000));
  });

  it('are the same in every process and use the shared namespace for ids', () => {
    expect(reviewer(7)).toEqual(reviewer(7));
    expect(reviewer(7).id).toBe(seedUuid(REVIEWER_NAMESPACE, 7));
    expect(reviewer(7).id).toMatch(UUID_PATTERN);
    expect(reviewer(7).email).toBe('reviewer-7@example.com');
  });

  it('have short, varied display names like "Priya S."', () => {
    const names = Array.from({ length: 1_000 }, (_, k) => reviewer(k).displayName);
    for (const name of names) expect(name).toMatch(/^\p{L}+ [A-Z]\.$/u);
    expect(new Set(names).size).toBeGreaterThan(500);
  });
});
