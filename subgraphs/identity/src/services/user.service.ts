import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { isRole, type Role } from '@emporium/auth';
import { GraphQLError } from 'graphql';
import { userError, type UserError } from '@emporium/graphql-server';
import type { IdentityRequest } from '../request.ts';
import { UserSchema, type User } from '../entities/user.entity.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { hashPassword, needsRehash, passwordWeakness, verifyPassword, type PasswordHashParams } from './password.ts';
import type { SessionService } from './session.service.ts';

export interface SignedIn {
  token: string | null;
  refreshToken: string | null;
  expiresAt: Date | null;
  user: User | null;
  userErrors: UserError[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTROL = /\p{Cc}/u;
const failed = (...userErrors: UserError[]): SignedIn => ({
  token: null,
  refreshToken: null,
  expiresAt: null,
  user: null,
  userErrors,
});
const invalidCredentials = (): SignedIn =>
  failed(userError('INVALID_CREDENTIALS', 'The email or password is incorrect'));

/** RATE_LIMITED: this account or client failed to sign in too often; nothing was checked. */
const tooManyFailures = (retryAfterSeconds: number): GraphQLError =>
  new GraphQLError('Too many failed sign-ins; try again later', {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  });

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
export const rolesOf = (user: User): Role[] => user.roles.filter(isRole);

/** Accounts: registration, sign-in, lookup. */
export class UserService {
  /**
   * A hash of a random password, checked when the email is unknown so that an unknown
   * email costs the same time as a wrong password and the two cannot be told apart.
   */
  private readonly decoyHash: Promise<string>;
  private readonly hashParams: PasswordHashParams;
  private readonly throttle: LoginThrottle;
  /** Where a registration or a sign-in starts its session. */
  private readonly sessions: SessionService;

  constructor(hashParams: PasswordHashParams, throttle: LoginThrottle, sessions: SessionService) {
    this.hashParams = hashParams;
    this.throttle = throttle;
    this.sessions = sessions;
    this.decoyHash = hashPassword(crypto.randomUUID(), hashParams);
  }

  async register(
    ctx: IdentityRequest,
    input: { email: string; password: string; displayName: string },
  ): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    const displayName = input.displayName.trim();
    const errors: UserError[] = [];
    if (email.length > 254 || !EMAIL.test(email)) {
      errors.push(userError('INVALID_INPUT', 'Enter a valid email address', ['input', 'email']));
    }
    if (displayName.length < 1 || displayName.length > 60 || CONTROL.test(displayName)) {
      errors.push(userError('INVALID_INPUT', 'Use a name of 1 to 60 characters', ['input', 'displayName']));
    }
    const weakness = passwordWeakness(input.password, { email, displayName });
    if (weakness) errors.push(userError('WEAK_PASSWORD', weakness, ['input', 'password']));
    if (errors.length > 0) return failed(...errors);

    const user = ctx.em.create(UserSchema, {
      email,
      displayName,
      passwordHash: await hashPassword(input.password, this.hashParams),
      roles: ['SHOPPER'],
    });
    try {
      await ctx.em.flush();
    } catch (error) {
      // The unique index decides, so two simultaneous registrations cannot both win.
      if (error instanceof UniqueConstraintViolationException) {
        return failed(userError('EMAIL_TAKEN', 'An account with this email already exists', ['input', 'email']));
      }
      throw error;
    }
    return this.signIn(ctx, user);
  }

  async login(ctx: IdentityRequest, input: { email: string; password: string }): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    const keys = { email, clientAddress: ctx.clientAddress };
    // Before any work: a throttled account or client is refused without a password check,
    // the right password included, so a throttled guesser learns nothing. Known and unknown
    // emails are counted alike, so the throttle tells nothing about which accounts exist.
    const decision = await this.throttle.attempt(keys);
    if (!decision.allowed) throw tooManyFailures(decision.retryAfterSeconds);
    if (input.password.length > 1024 || email.length > 254) return invalidCredentials();
    const user = await ctx.em.findOne(UserSchema, { email }, { populate: ['passwordHash'] });
    const matches = await verifyPassword(input.password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !matches) return invalidCredentials();
    await this.throttle.succeeded(keys);
    if (needsRehash(user.passwordHash, this.hashParams)) {
      // The only moment the password is known: bring a hash from a weaker cost or scheme up to
      // today's. Conditional on the old hash, so a password changed meanwhile is never undone.
      await ctx.em.execute('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?', [
        await hashPassword(input.password, this.hashParams),
        user.id,
        user.passwordHash,
      ]);
    }
    return this.signIn(ctx, user);
  }

  private async signIn(ctx: IdentityRequest, user: User): Promise<SignedIn> {
    ctx.signedIn.add(user.id);
    const session = await this.sessions.start(ctx, { id: user.id, roles: rolesOf(user) });
    return { ...session, user, userErrors: [] };
  }
}
