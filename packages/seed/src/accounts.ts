/**
 * Who the seeded platform knows: two demo accounts to sign in with, and the reviewers whose
 * ids the product seed uses as review authors. Both seeds derive the same ids from here.
 */
import { createRandom } from './random.ts';
import { seedUuid } from './uuid.ts';

/** The catalogue size `npm run seed` uses when none is given, and the largest it accepts. */
export const DEFAULT_PRODUCTS = 10_000;
export const MAX_PRODUCTS = 1_000_000;

/** A ready-made account for trying the platform; the password is public on purpose. */
export interface DemoAccount {
  id: string;
  email: string;
  displayName: string;
  password: string;
  roles: readonly ('ADMIN' | 'SHOPPER')[];
}

export const DEMO_ADMIN: DemoAccount = {
  id: seedUuid('demo-account', 0),
  email: 'admin@emporium.dev',
  displayName: 'Ada Admin',
  password: 'Emporium-Admin-2026',
  roles: ['ADMIN', 'SHOPPER'],
};

export const DEMO_SHOPPER: DemoAccount = {
  id: seedUuid('demo-account', 1),
  email: 'shopper@emporium.dev',
  displayName: 'Sam Shopper',
  password: 'Emporium-Shopper-2026',
  roles: ['SHOPPER'],
};

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [DEMO_ADMIN, DEMO_SHOPPER];

/** Review authors are `seedUuid(REVIEWER_NAMESPACE, k)` for k in [0, reviewerCount(products)). */
export const REVIEWER_NAMESPACE = 'reviewer';

/** The most reviews one product gets; reviewerCount never drops below it. */
export const MAX_REVIEWS_PER_PRODUCT = 8;

const MIN_REVIEWERS = 50;
const MAX_REVIEWERS = 50_000;

/**
 * How many reviewer accounts a catalogue of `products` needs: one per ten products, so each
 * writes a couple of dozen reviews, within bounds that keep small catalogues varied and
 * large ones from turning the identity seed into the slow part.
 */
export function reviewerCount(products: number): number {
  return Math.min(MAX_REVIEWERS, Math.max(MIN_REVIEWERS, Math.ceil(products / 10)));
}

/** A reviewer's account as the identity seed stores it; they have no usable password. */
export interface Reviewer {
  id: string;
  email: string;
  displayName: string;
  /** Two to three years, so every reviewer joined before the oldest seeded review. */
  joinedDaysAgo: number;
}

// Short names from many places, so the reviews of a demo catalogue read like a real crowd.
const FIRST_NAMES = (
  'Priya Marcus Aisha Chen Sofia Liam Fatima Diego Yuki Olga Kwame Emma Noah Ananya Mateo Zara ' +
  'Hiroshi Amara Lucas Ingrid Rahul Chloe Omar Mei Santiago Leila Tomás Nia Arjun Elena Jamal ' +
  'Freya Kofi Hannah Ravi Isabela Daniel Sana Ethan Layla Kenji Grace Mohammed Julia Wei Camila ' +
  'Oliver Aaliyah Sven Ngozi Pierre Anika Gabriel Rosa Tariq Maya Luca Esther Javier Keiko'
).split(' ');
const INITIALS = 'ABCDEFGHIJKLMNOPRSTVWYZ';

/** The k-th reviewer; the same k gives the same account in every process. */
export function reviewer(k: number): Reviewer {
  const random = createRandom(0x5eed_4e71, k);
  return {
    id: seedUuid(REVIEWER_NAMESPACE, k),
    email: `reviewer-${k}@example.com`,
    displayName: `${random.pick(FIRST_NAMES)} ${INITIALS.charAt(random.int(0, INITIALS.length - 1))}.`,
    joinedDaysAgo: random.int(731, 1095),
  };
}
