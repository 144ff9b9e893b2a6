/**
 * The gateway's books, in memory (this simulates a third party; nothing here stands in for
 * Emporium's own storage): single-use card tokens, payment intents settled asynchronously,
 * and refunds. No card number is kept: tokenizing keeps its brand, last four digits, a
 * fingerprint and the outcome it will have. Every store is bounded (least recently used
 * records go first, tokens also expire), so a long run or a flood cannot exhaust memory.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import * as cards from './cards.ts';
import { ApiError, isObject, rejectUnknown } from './http.ts';

export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;
export const unixNow = (): number => Math.floor(Date.now() / 1000);

export interface PaymentIntent {
  id: string;
  status: 'processing' | 'succeeded' | 'failed';
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  created: number;
  failure_code: string | null;
  failure_message: string | null;
  refunded: boolean;
}

export interface Refund {
  id: string;
  status: 'succeeded';
  payment_intent: string;
  amount: number;
}

export interface CardToken {
  id: string;
  card: { brand: cards.CardBrand; last4: string };
}

/** What the book keeps of a tokenized card: never its number. */
interface StoredToken extends CardToken {
  /** HMAC-SHA256 of the number under this process's key: the same card gives the same value, and it reveals nothing. */
  fingerprint: string;
  /** Decided at tokenization (the test cards), so the number need not be kept until the payment. */
  outcome: cards.Outcome;
  usedBy: string | null;
}

/** Records kept per store (tokens, intents) unless configured. */
export const DEFAULT_MAX_RECORDS = 100_000;
/** An unused token is forgotten after this long, as gateways' tokens expire. */
export const TOKEN_TTL_MS = 60 * 60_000;

export interface PaymentBookOptions {
  outcomeDelayMs: number;
  slowCardDelayMs: number;
  /** The most tokens, and the most intents, kept; the least recently used go first. */
  maxRecords?: number;
  /** Called once per intent when it settles; `notify` is false for the lost-webhook card. */
  onSettled: (intent: PaymentIntent, notify: boolean) => void;
}

const invalid = (code: string, message: string): ApiError => new ApiError(400, code, message);
const view = (intent: PaymentIntent): PaymentIntent => ({ ...intent, metadata: { ...intent.metadata } });

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const message = 'metadata must be an object of at most 50 string values (keys up to 40, values up to 500 characters)';
  if (!isObject(value)) throw invalid('invalid_metadata', message);
  const entries = Object.entries(value);
  const valid = entries.every(
    ([key, item]) => key.length >= 1 && key.length <= 40 && typeof item === 'string' && item.length <= 500,
  );
  if (!valid || entries.length > 50) throw invalid('invalid_metadata', message);
  return Object.fromEntries(entries) as Record<string, string>;
}

export class PaymentBook {
  readonly #tokens: LRUCache<string, StoredToken>;
  readonly #intents: LRUCache<string, PaymentIntent>;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #options: PaymentBookOptions;
  /** Per process and never stored: fingerprints cannot be reversed by guessing numbers offline. */
  readonly #fingerprintKey = randomBytes(32);

  constructor(options: PaymentBookOptions) {
    this.#options = options;
    const max = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    this.#tokens = new LRUCache({ max, ttl: TOKEN_TTL_MS });
    this.#intents = new LRUCache({ max });
  }

  tokenize(body: Record<string, unknown>): CardToken {
    rejectUnknown(body, ['card']);
    const card = body['card'];
    if (!isObject(card)) throw invalid('parameter_missing', 'card is required');
    rejectUnknown(card, ['number', 'expMonth', 'expYear', 'cvc'], 'card.');
    const number = cards.normaliseCardNumber(card['number']);
    if (number === null) throw invalid('invalid_number', 'The card number is not a valid card number');
    if (!cards.expiryValid(card['expMonth'], card['expYear'], new Date())) {
      throw invalid('invalid_expiry', 'The expiry date is invalid or in the past');
    }
    if (!cards.cvcValid(card['cvc'])) throw invalid('invalid_cvc', 'The CVC must be 3 or 4 digits');
    const token: StoredToken = {
      id: newId('tok'),
      card: { brand: cards.cardBrand(number), last4: number.slice(-4) },
      fingerprint: createHmac('sha256', this.#fingerprintKey).update(number).digest('base64url'),
      outcome: cards.cardOutcome(number),
      usedBy: null,
    };
    this.#tokens.set(token.id, token);
    return { id: token.id, card: { ...token.card } };
  }

  createIntent(body: Record<string, unknown>): PaymentIntent {
    rejectUnknown(body, ['amount', 'currency', 'payment_method', 'metadata']);
    const { amount, currency } = body;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1 || amount > 99_999_999) {
      throw invalid('invalid_amount', 'amount must be an integer number of minor units from 1 to 99999999');
    }
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
      throw invalid('invalid_currency', 'currency must be an ISO 4217 code such as USD');
    }
    const metadata = readMetadata(body['metadata']);
    const { outcome, token } = this.#paymentSource(body['payment_method']);
    const intent: PaymentIntent = {
      id: newId('pi'),
      status: 'processing',
      amount,
      currency,
      metadata,
      created: unixNow(),
      failure_code: null,
      failure_message: null,
      refunded: false,
    };
    if (token !== undefined) token.usedBy = intent.id;
    this.#intents.set(intent.id, intent);
    this.#settleLater(intent, outcome);
    return view(intent);
  }

  intent(id: string): PaymentIntent {
    const intent = this.#intents.get(id);
    if (intent === undefined) throw new ApiError(404, 'resource_missing', `No such payment intent: ${id.slice(0, 64)}`);
    return view(intent);
  }

  intentsForOrder(orderId: string): PaymentIntent[] {
    return [...this.#intents.values()].filter((intent) => intent.metadata['orderId'] === orderId).map(view);
  }

  refund(body: Record<string, unknown>): Refund {
    rejectUnknown(body, ['payment_intent']);
    const id = body['payment_intent'];
    if (typeof id !== 'string' || id === '') throw invalid('parameter_missing', 'payment_intent is required');
    const intent = this.#intents.get(id);
    if (intent === undefined) throw new ApiError(404, 'resource_missing', `No such payment intent: ${id.slice(0, 64)}`);
    if (intent.refunded) throw invalid('charge_already_refunded', 'This payment has already been refunded');
    if (intent.status !== 'succeeded') {
      throw invalid('charge_not_refundable', `A ${intent.status} payment cannot be refunded`);
    }
    intent.refunded = true;
    return { id: newId('re'), status: 'succeeded', payment_intent: intent.id, amount: intent.amount };
  }

  /** Everything the book holds, for tests that check what it keeps and how much. */
  records(): { tokens: readonly object[]; intents: readonly PaymentIntent[] } {
    return { tokens: [...this.#tokens.values()], intents: [...this.#intents.values()].map(view) };
  }

  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Validates the payment method fully before a token is spent, so a refused request leaves it usable. */
  #paymentSource(method: unknown): { outcome: cards.Outcome; token?: StoredToken } {
    if (!isObject(method)) throw invalid('parameter_missing', 'payment_method is required');
    if (method['type'] === 'card') {
      rejectUnknown(method, ['type', 'token'], 'payment_method.');
      const id = method['token'];
      const token = typeof id === 'string' ? this.#tokens.get(id) : undefined;
      if (token === undefined) throw invalid('invalid_token', 'No such token');
      if (token.usedBy !== null) {
        throw invalid('token_already_used', 'This token has already been used; tokenize the card again');
      }
      return { outcome: token.outcome, token };
    }
    if (method['type'] === 'upi') {
      rejectUnknown(method, ['type', 'vpa'], 'payment_method.');
      const vpa = method['vpa'];
      if (typeof vpa !== 'string' || vpa.length > 255 || !cards.VPA_PATTERN.test(vpa)) {
        throw invalid('invalid_vpa', 'The UPI address (VPA) is not valid');
      }
      return { outcome: cards.upiOutcome(vpa) };
    }
    throw invalid('invalid_payment_method', 'payment_method.type must be "card" or "upi"');
  }

  #settleLater(intent: PaymentIntent, outcome: cards.Outcome): void {
    const delay = outcome.slow ? this.#options.slowCardDelayMs : this.#options.outcomeDelayMs;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      intent.status = outcome.status;
      intent.failure_code = outcome.failureCode;
      intent.failure_message = outcome.failureMessage;
      this.#options.onSettled(view(intent), !outcome.webhookLost);
    }, delay);
    this.#timers.add(timer);
  }
}
