/** What a subscriber's stream does with an event, by its sequence. */
export type SequenceVerdict =
  /** The next one after the last delivered: deliver it (the sequencer has recorded it). */
  | 'deliver'
  /** Delivered before (a redelivery, or history that live events overtook): drop it. */
  | 'duplicate'
  /** It skips ahead: the ones in between must be read from the history first. */
  | 'gap';

/**
 * Keeps one subscriber's view of an order's events in order and exactly once. An order's
 * status changes are numbered 1, 2, 3 … without gaps, so the last delivered sequence is all
 * it needs: Kafka may redeliver, and history read at subscribe time overlaps live events.
 */
export class Sequencer {
  #last: number;

  /** `last`: the sequence the subscriber has already seen; 0 when it has seen none. */
  constructor(last: number) {
    if (!Number.isInteger(last) || last < 0) throw new RangeError(`sequence must be a whole number ≥ 0, got ${last}`);
    this.#last = last;
  }

  /** The last sequence delivered (or seen before subscribing). */
  get last(): number {
    return this.#last;
  }

  /** Decides about one event; a 'deliver' verdict advances the last sequence. */
  offer(sequence: number): SequenceVerdict {
    if (sequence <= this.#last) return 'duplicate';
    if (sequence > this.#last + 1) return 'gap';
    this.#last = sequence;
    return 'deliver';
  }

  /**
   * Delivers an event past a gap nothing could fill. The history is written in the same
   * transaction as the event, so this only happens if the two disagree; order is still kept.
   */
  skipTo(sequence: number): void {
    if (sequence <= this.#last) throw new RangeError(`cannot skip back from ${this.#last} to ${sequence}`);
    this.#last = sequence;
  }
}
