/**
 * The shopper's session: the access token (at most 15 minutes), the single-use refresh token and
 * who is signed in. Tokens are refreshed silently a minute before they expire, and once more when
 * the router answers UNAUTHENTICATED; a refresh the server refuses ends the session. Every tab
 * shares it through localStorage (credentials travel only in the Authorization header, never
 * in cookies; the page's CSP allows only this site's scripts to read them).
 */
import { readJson, writeJson } from './storage.ts';

export interface SessionUser {
  id: string;
  email: string | null;
  displayName: string;
}

export interface Session {
  token: string;
  /** Null while the API issues none (then the session ends with its access token). */
  refreshToken: string | null;
  /** ISO time the access token expires; null when unknown. */
  expiresAt: string | null;
  user: SessionUser;
}

export interface RefreshedTokens {
  token: string;
  refreshToken: string | null;
  expiresAt: string | null;
}

/** Exchanges a refresh token; null when the server says the session is over. */
export type Refresher = (refreshToken: string) => Promise<RefreshedTokens | null>;

const KEY = 'emporium.session';
/** Refresh this long before expiry, so a request in flight never carries a token that lapses. */
const REFRESH_MARGIN_MS = 60_000;

function parseSession(value: unknown): Session | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<Session>;
  if (typeof candidate.token !== 'string' || typeof candidate.user?.id !== 'string') return null;
  return {
    token: candidate.token,
    refreshToken: typeof candidate.refreshToken === 'string' ? candidate.refreshToken : null,
    expiresAt: typeof candidate.expiresAt === 'string' ? candidate.expiresAt : null,
    user: candidate.user,
  };
}

export class SessionStore {
  private session: Session | null = parseSession(readJson(KEY));
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<Session | null> | null = null;
  /** Why the last session ended on its own, for the sign-in page to say. */
  endedReason: string | null = null;
  refresher: Refresher | null = null;

  constructor() {
    window.addEventListener('storage', (event) => {
      if (event.key !== KEY) return;
      this.session = parseSession(readJson(KEY));
      this.emit();
    });
  }

  readonly current = (): Session | null => this.session;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  signIn(session: Session): void {
    this.endedReason = null;
    this.set(session);
  }

  signOut(reason: string | null = null): void {
    this.endedReason = reason;
    this.set(null);
  }

  /** The access token to send now, refreshed first when it is about to expire; null when signed out. */
  async freshToken(): Promise<string | null> {
    const session = this.session;
    if (!session) return null;
    const expiresAt = session.expiresAt === null ? Number.NaN : Date.parse(session.expiresAt);
    if (Number.isFinite(expiresAt) && expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      return (await this.refresh())?.token ?? null;
    }
    return session.token;
  }

  /** One refresh at a time: concurrent callers share it (a refresh token works once). */
  refresh(): Promise<Session | null> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<Session | null> {
    const session = this.session;
    if (!session) return null;
    if (session.refreshToken === null || this.refresher === null) {
      this.signOut('Your session has ended. Please sign in again.');
      return null;
    }
    const tokens = await this.refresher(session.refreshToken);
    if (!tokens) {
      this.signOut('Your session has ended. Please sign in again.');
      return null;
    }
    const next = { ...session, ...tokens };
    this.set(next);
    return next;
  }

  private set(session: Session | null): void {
    this.session = session;
    writeJson(KEY, session);
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
