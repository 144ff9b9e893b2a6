import pg from 'pg';
import { serviceDatabaseUrl } from '@emporium/config';
import type { Logger } from '@emporium/logging';

/**
 * Waits on a PostgreSQL NOTIFY channel: read-your-writes against a table another process
 * fills (a replica fed by change data capture), without polling. One LISTEN session per
 * process, opened on first use; each wait re-checks its condition whenever the channel
 * fires, so it answers as soon as the row it needs has committed.
 */
export class NotificationWatch {
  readonly #connectionString: string;
  readonly #channel: string;
  readonly #logger: Logger;
  #client: Promise<pg.Client> | null = null;
  readonly #wakers = new Set<() => void>();

  constructor(options: { service: string; serverUrl: string; channel: string; logger: Logger }) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`invalid channel name ${options.channel}`);
    this.#connectionString = serviceDatabaseUrl(options.serverUrl, options.service);
    this.#channel = options.channel;
    this.#logger = options.logger;
  }

  /**
   * Resolves true as soon as `check` does, false when it still does not after `timeoutMs`.
   * The listener is in place before the first check, so a change committed between the
   * check and the wait is never missed.
   */
  async until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // Notifications seen so far: one arriving while `check` runs sends the loop round again.
    let changes = 0;
    let wake: (() => void) | null = null;
    const waker = (): void => {
      changes += 1;
      wake?.();
    };
    this.#wakers.add(waker);
    try {
      for (;;) {
        // Cheap when the session is up; reopens it after a loss.
        await this.#listening();
        const seen = changes;
        if (await check()) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        if (changes !== seen) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    } finally {
      this.#wakers.delete(waker);
    }
  }

  /** How many waits are pending now (tests wait on it as the fact that a caller is waiting). */
  get waiting(): number {
    return this.#wakers.size;
  }

  /** Ends the LISTEN session; a later wait opens a new one. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (client) await (await client.catch(() => null))?.end();
  }

  #listening(): Promise<pg.Client> {
    this.#client ??= this.#connect();
    return this.#client;
  }

  #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#connectionString });
    const lost = (error?: Error) => {
      if (this.#client === connecting) this.#client = null;
      if (error) this.#logger.warn({ err: error, channel: this.#channel }, 'notification session lost');
      // Waiters re-check at once; their next wait opens a new session.
      for (const waker of this.#wakers) waker();
    };
    client.on('notification', () => {
      for (const waker of this.#wakers) waker();
    });
    client.on('error', lost);
    client.on('end', () => {
      lost();
    });
    const connecting = (async () => {
      await client.connect();
      await client.query(`LISTEN ${this.#channel}`);
      return client;
    })();
    connecting.catch(() => {
      if (this.#client === connecting) this.#client = null;
    });
    return connecting;
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * A migration's statements that make every committed change to `table` fire `channel`,
 * which {@link NotificationWatch} waits on: one notification per statement with no payload
 * (PostgreSQL folds identical ones within a transaction, so a batch of thousands costs one),
 * and the statements that undo it.
 */
export function notifyOnChange(table: string, channel: string): { up: string[]; down: string[] } {
  if (!IDENTIFIER.test(table) || !IDENTIFIER.test(channel)) throw new Error(`invalid name ${table} or ${channel}`);
  return {
    up: [
      `CREATE FUNCTION notify_${channel}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${channel}', '');
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER ${table}_notify AFTER INSERT OR UPDATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION notify_${channel}()`,
    ],
    down: [`DROP TRIGGER ${table}_notify ON ${table}`, `DROP FUNCTION notify_${channel}()`],
  };
}
