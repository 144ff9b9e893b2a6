/**
 * The shopper's session: the access token (at most 15 minutes), the single-use refresh token and
 * who is signed in. Tokens are refreshed silently a minute before they expire, and once more when
 * the router answers UNAUTHENTICATED; a refresh the server refuses ends the session. Every tab
 * shares it through localStorage (credentials travel only in the Authorization header, never
 * in cookies; the page's CSP allows only this site's scripts to read them).
 *
 * A refresh token works once, and presenting it twice ends the session (reuse detection), so
 * tabs refresh one at a time under a Web Lock; a tab that waited for it finds the new tokens
 * another tab wrote to storage and takes those instead of spending its own stale one.
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
/** The Web Lock every tab of this origin takes to refresh. */
const REFRESH_LOCK = 'emporium.session.refresh';
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
    const spent = this.session?.refreshToken ?? null;
    this.refreshing ??= withRefreshLock(() => this.doRefresh(spent)).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** `spent`: the refresh token this tab held when it decided to refresh. */
  private async doRefresh(spent: string | null): Promise<Session | null> {
    // Another tab may have refreshed while this one waited for the lock. (A sign-out elsewhere
    // arrives as a storage event; an unreadable storage reads as null and changes nothing here.)
    const stored = parseSession(readJson(KEY));
    if (stored !== null && stored.refreshToken !== spent) {
      this.session = stored;
      this.emit();
      return stored;
    }
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

/**
 * Runs `refresh` holding the origin-wide refresh lock. Without the Web Locks API (an old
 * browser, a page not served from a secure context) the tab refreshes on its own, as before.
 */
function withRefreshLock<T>(refresh: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return refresh();
  return navigator.locks.request(REFRESH_LOCK, refresh);
}
