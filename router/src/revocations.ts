import type { Logger } from '@emporium/logging';

/**
 * Each poll asks again for this much before the previous answer's `asOf`: a revocation is
 * stamped by the database's clock when its row is updated and becomes visible at commit a
 * moment later, so a window that overlaps the last one cannot step past it.
 */
export const REVOCATION_LOOKBACK_MS = 5000;
/** A poll that has not answered in this long is abandoned; the next one starts on schedule. */
const POLL_TIMEOUT_MS = 2000;

/** What identity's GET /sessions/revoked answers. */
interface RevocationFeed {
  asOf: number;
  revoked: { sid: string; until: number }[];
}

const isFeed = (body: unknown): body is RevocationFeed => {
  if (typeof body !== 'object' || body === null) return false;
  const { asOf, revoked } = body as Record<string, unknown>;
  return (
    typeof asOf === 'number' &&
    Array.isArray(revoked) &&
    revoked.every(
      (entry: unknown) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as Record<string, unknown>)['sid'] === 'string' &&
        typeof (entry as Record<string, unknown>)['until'] === 'number',
    )
  );
};

/** Something that can tell whether a session has ended. */
export interface RevocationCheck {
  isRevoked(sessionId: string): boolean;
}

/** Options of {@link SessionRevocations}. */
export interface SessionRevocationsOptions {
  /** Identity's feed, e.g. http://127.0.0.1:4001/sessions/revoked. */
  url: string;
  pollIntervalMs: number;
  logger: Logger;
}

/**
 * The sessions identity has ended (logout, refresh-token reuse) whose access tokens may
 * still be unexpired, kept in memory so that checking a token costs a map lookup. Each
 * router polls identity every `pollIntervalMs` for revocations since its last answer, so a
 * logout reaches every replica within about a poll interval. An id is forgotten once every
 * token of its session has expired, which bounds the set by the logouts of one
 * access-token lifetime. When identity cannot be reached the router keeps what it knows,
 * logs it once, and catches up (the feed reaches back a token lifetime) when it answers again.
 */
export class SessionRevocations implements RevocationCheck {
  private readonly options: SessionRevocationsOptions;
  /** Session id → until when its tokens must be refused (ms since the epoch). */
  private readonly revoked = new Map<string, number>();
  private readonly listeners = new Set<(sessionIds: readonly string[]) => void>();
  /** 0 asks for everything identity still lists, which is what a starting router needs. */
  private after = 0;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: SessionRevocationsOptions) {
    this.options = options;
  }

  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    return until !== undefined && until > Date.now();
  }

  /** Sessions known to be revoked right now (for health figures and tests). */
  size(): number {
    return this.revoked.size;
  }

  /** Calls `listener` with the ids each poll newly learns of (to close their WebSockets); returns an unsubscribe. */
  onRevoked(listener: (sessionIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One poll; resolves true when identity answered. Never throws. */
  async poll(): Promise<boolean> {
    const { logger, url } = this.options;
    try {
      const response = await fetch(`${url}?after=${this.after}`, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`identity answered HTTP ${response.status}`);
      const body: unknown = await response.json();
      if (!isFeed(body)) throw new Error('identity answered an unexpected body');
      this.apply(body);
      if (this.failing) logger.info('session revocations are reaching the router again');
      this.failing = false;
      return true;
    } catch (error) {
      if (!this.failing) {
        logger.warn(
          { err: error, revokedSessions: this.revoked.size },
          'cannot read session revocations from identity; keeping the ones known, retrying',
        );
      }
      this.failing = true;
      return false;
    }
  }

  /** Polls once and waits for it (so a starting router knows the recent revocations), then keeps polling. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => {
        this.schedule();
      });
    }, this.options.pollIntervalMs);
    // Polling alone never keeps the process alive; the HTTP server does.
    this.timer.unref();
  }

  private apply(feed: RevocationFeed): void {
    const now = Date.now();
    const fresh: string[] = [];
    for (const { sid, until } of feed.revoked) {
      if (until <= now) continue;
      if (!this.revoked.has(sid)) fresh.push(sid);
      this.revoked.set(sid, until);
    }
    for (const [sid, until] of this.revoked) if (until <= now) this.revoked.delete(sid);
    this.after = Math.max(0, feed.asOf - REVOCATION_LOOKBACK_MS);
    if (fresh.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(fresh);
      } catch (error) {
        this.options.logger.error({ err: error }, 'a revocation listener failed');
      }
    }
  }
}
