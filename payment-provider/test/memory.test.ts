/**
 * What the simulator keeps in memory: never a card number (brand, last four digits and a
 * fingerprint instead), and never more than its configured number of records per store.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { luhnValid } from '../src/cards.ts';
import { IdempotencyStore } from '../src/idempotency.ts';
import { ApiError } from '../src/http.ts';
import { PaymentBook, type PaymentIntent } from '../src/payments.ts';

/** A valid Visa number no test card list holds: 15 random digits and the Luhn check digit. */
function randomCardNumber(): string {
  const body = `4${Array.from({ length: 14 }, () => randomInt(10)).join('')}`;
  for (let check = 0; check <= 9; check += 1) {
    if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  }
  throw new Error('unreachable: one check digit always fits');
}

const card = (number: string) => ({
  card: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' },
});

function newBook(options: { maxRecords?: number; onSettled?: (intent: PaymentIntent) => void } = {}): PaymentBook {
  return new PaymentBook({
    outcomeDelayMs: 0,
    slowCardDelayMs: 0,
    ...(options.maxRecords ? { maxRecords: options.maxRecords } : {}),
    onSettled: (intent) => options.onSettled?.(intent),
  });
}

describe('card data in the simulator', () => {
  it('keeps the last four digits and a fingerprint of a card, never its number', () => {
    const book = newBook();
    const number = randomCardNumber();
    const token = book.tokenize(card(number.replace(/(\d{4})/g, '$1 ').trim()));
    expect(token.card).toEqual({ brand: 'visa', last4: number.slice(-4) });
    const afterTokenizing = JSON.stringify(book.records());
    expect(afterTokenizing).toContain(number.slice(-4));
    expect(afterTokenizing).not.toContain(number);
    expect(afterTokenizing).not.toContain(number.slice(0, 12));

    book.createIntent({ amount: 4999, currency: 'USD', payment_method: { type: 'card', token: token.id } });
    expect(JSON.stringify(book.records())).not.toContain(number);
    book.stop();
  });

  it('gives one card the same fingerprint within a process, and a fingerprint no other process can match', () => {
    const fingerprints = (book: PaymentBook): string[] =>
      book.records().tokens.map((stored) => (stored as { fingerprint: string }).fingerprint);
    const number = randomCardNumber();
    const book = newBook();
    book.tokenize(card(number));
    book.tokenize(card(number));
    book.tokenize(card(randomCardNumber()));
    const counts = new Map<string, number>();
    for (const fingerprint of fingerprints(book)) counts.set(fingerprint, (counts.get(fingerprint) ?? 0) + 1);
    // Three tokens, two cards: the repeated card's fingerprint twice.
    expect([...counts.values()].sort()).toEqual([1, 2]);
    const first = [...counts].find(([, count]) => count === 2)?.[0] ?? '';
    expect(first).toMatch(/^[\w-]{43}$/);

    const elsewhere = newBook();
    elsewhere.tokenize(card(number));
    expect(fingerprints(elsewhere)).not.toContain(first);
  });

  it('still settles a test card as its number says, without keeping the number', async () => {
    const settled = new Promise<PaymentIntent>((resolve) => {
      const book = newBook({ onSettled: resolve });
      const token = book.tokenize(card('4000000000000002'));
      book.createIntent({ amount: 100, currency: 'USD', payment_method: { type: 'card', token: token.id } });
    });
    expect(await settled).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
  });
});

describe('memory bounds', () => {
  it('keeps at most maxRecords tokens and intents, forgetting the least recently used', () => {
    const book = newBook({ maxRecords: 100 });
    const intents: string[] = [];
    for (let i = 0; i < 250; i += 1) {
      book.tokenize(card(randomCardNumber()));
      intents.push(
        book.createIntent({ amount: 100, currency: 'USD', payment_method: { type: 'upi', vpa: 'a@upi' } }).id,
      );
    }
    const { tokens, intents: kept } = book.records();
    expect(tokens).toHaveLength(100);
    expect(kept).toHaveLength(100);
    expect(book.intent(intents.at(-1) ?? '').id).toBe(intents.at(-1));
    expect(() => book.intent(intents[0] ?? '')).toThrow(ApiError);
    book.stop();
  });

  it('forgets the least recently used idempotency key past maxKeys, and every key after its time to live', () => {
    let now = 5000;
    const store = new IdempotencyStore({ maxKeys: 2, ttlMs: 1000, now: () => now });
    const response = { status: 200, body: '{}' };
    store.save('a', 'f', response);
    store.save('b', 'f', response);
    expect(store.lookup('a', 'f')).toEqual({ kind: 'replay', response });
    store.save('c', 'f', response);
    // 'b' was used least recently: it went to make room.
    expect(store.lookup('b', 'f')).toEqual({ kind: 'new' });
    expect(store.size).toBe(2);
    now = 6001;
    expect(store.lookup('a', 'f')).toEqual({ kind: 'new' });
    expect(store.size).toBe(0);
  });
});
