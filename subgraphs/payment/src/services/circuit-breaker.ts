/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long an open circuit fails fast before it lets one trial call through. */
  openMs?: number;
  /** The clock, in milliseconds; tests pass their own. */
  now?: () => number;
}

export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * Fails fast while a dependency is down, instead of making every caller wait out its
 * timeouts. CLOSED: calls go through; `failureThreshold` consecutive failures open it.
 * OPEN: calls are refused for `openMs`. HALF_OPEN: one trial call goes through; its
 * success closes the circuit, its failure opens it again. One per process and dependency.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | null = null;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#openMs = options.openMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.#openedAt === null) return 'CLOSED';
    return this.#now() - this.#openedAt >= this.#openMs ? 'HALF_OPEN' : 'OPEN';
  }

  /**
   * Whether a call may go now. In HALF_OPEN only the first caller gets true (the trial);
   * it must report its result with {@link recordSuccess} or {@link recordFailure}.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'CLOSED') return true;
    if (state === 'OPEN' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#trialInFlight = false;
  }

  recordFailure(): void {
    this.#failures += 1;
    // A failed trial reopens at once; a closed circuit opens at the threshold.
    if (this.#trialInFlight || this.#failures >= this.#threshold) this.#openedAt = this.#now();
    this.#trialInFlight = false;
  }
}
