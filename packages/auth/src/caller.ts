/** Who is calling: one home for the caller's shape, imported by the assertions and re-exported by the package. */
export const ROLES = ['SHOPPER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated caller. */
export interface Caller {
  userId: string;
  roles: readonly Role[];
  /** The sign-in session the caller's token belongs to (its `sid`); logout ends it. */
  sessionId?: string;
}

export const isRole = (value: unknown): value is Role => ROLES.some((role) => role === value);
