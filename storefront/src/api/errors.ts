/**
 * What went wrong, said the way a shopper understands it: GraphQL errors by `extensions.code`,
 * user errors by `code`, payment failures by the provider's reason. Technical details (request
 * ids) stay available for support but never replace the sentence.
 */
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

export interface Problem {
  message: string;
  code: string | null;
  /** When the server says how long to wait before trying again. */
  retryAfterSeconds: number | null;
  requestId: string | null;
}

const seconds = (value: number): string => (value === 1 ? '1 second' : `${value} seconds`);

const GRAPHQL_MESSAGES: Record<string, (retryAfter: number | null) => string> = {
  RATE_LIMITED: (retryAfter) =>
    `You're going a little fast. Please wait ${retryAfter === null ? 'a moment' : seconds(retryAfter)} and try again.`,
  SERVICE_UNAVAILABLE: (retryAfter) =>
    `Part of the store is temporarily unavailable. Please try again${retryAfter === null ? ' shortly' : ` in ${seconds(retryAfter)}`}.`,
  UNAUTHENTICATED: () => 'Please sign in to continue.',
  FORBIDDEN: () => "Your account isn't allowed to do that.",
  QUERY_TOO_COMPLEX: () => 'That request was too large. Please narrow it down and try again.',
  BAD_USER_INPUT: () => "Something in that request wasn't valid. Please check it and try again.",
};

const NETWORK_MESSAGE = "We couldn't reach the store. Check your connection and try again.";
const UNEXPECTED_MESSAGE = 'Something went wrong on our side. Please try again.';

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function describeError(error: unknown): Problem {
  if (CombinedGraphQLErrors.is(error)) {
    // The most actionable error first: limits and outages say when to retry.
    const errors = [...error.errors].sort(
      (a, b) => Number(b.extensions?.['code'] === 'RATE_LIMITED') - Number(a.extensions?.['code'] === 'RATE_LIMITED'),
    );
    const first = errors[0];
    const code = typeof first?.extensions?.['code'] === 'string' ? first.extensions['code'] : null;
    const retryAfterSeconds = numberOrNull(first?.extensions?.['retryAfterSeconds']);
    const requestId = typeof first?.extensions?.['requestId'] === 'string' ? first.extensions['requestId'] : null;
    const describe = code === null ? undefined : GRAPHQL_MESSAGES[code];
    return { message: describe ? describe(retryAfterSeconds) : UNEXPECTED_MESSAGE, code, retryAfterSeconds, requestId };
  }
  if (ServerError.is(error)) {
    // A 429 or 503 before GraphQL ran (a proxy, the rate limiter) still deserves the right words.
    const code = error.statusCode === 429 ? 'RATE_LIMITED' : error.statusCode === 503 ? 'SERVICE_UNAVAILABLE' : null;
    const retryAfter = Number(error.response.headers.get('retry-after'));
    const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
    const describe = code === null ? undefined : GRAPHQL_MESSAGES[code];
    return {
      message: describe ? describe(retryAfterSeconds) : UNEXPECTED_MESSAGE,
      code,
      retryAfterSeconds,
      requestId: error.response.headers.get('x-request-id'),
    };
  }
  if (error instanceof TypeError)
    return { message: NETWORK_MESSAGE, code: null, retryAfterSeconds: null, requestId: null };
  return { message: UNEXPECTED_MESSAGE, code: null, retryAfterSeconds: null, requestId: null };
}

/** True when the failure is the missing or expired sign-in, which the sign-in page resolves. */
export const isUnauthenticated = (error: unknown): boolean => describeError(error).code === 'UNAUTHENTICATED';

export interface UserErrorLike {
  code: string;
  message: string;
}

const USER_ERROR_MESSAGES: Record<string, string> = {
  EMAIL_TAKEN: 'An account with this email already exists. Sign in instead?',
  INVALID_CREDENTIALS: "That email and password don't match an account.",
  INSUFFICIENT_STOCK: "There isn't enough stock for that quantity.",
  CART_EMPTY: 'Your cart is empty.',
  ORDER_NOT_PAYABLE: "This order can't be paid any more.",
  PAYMENT_PROVIDER_UNAVAILABLE:
    "The payment service isn't answering right now. Your card was not charged; please try again.",
  PAYMENT_METHOD_INVALID: "That card couldn't be used. Please enter it again.",
  TOO_MANY_PENDING_ORDERS: 'You have too many unpaid orders. Pay or cancel one of them first.',
  SESSION_EXPIRED: 'Your session has ended. Please sign in again.',
  PRODUCT_NOT_FOUND: 'This product is no longer available.',
  CART_NOT_FOUND: 'Your guest cart has expired.',
};

/** A user error in the shopper's words; the server's own message where it is the most precise one. */
export function userErrorMessage(error: UserErrorLike): string {
  // These messages carry specifics (the password rule, the new total) that only the server knows.
  if (error.code === 'WEAK_PASSWORD' || error.code === 'PRICE_CHANGED' || error.code === 'INVALID_QUANTITY') {
    return error.message;
  }
  return USER_ERROR_MESSAGES[error.code] ?? error.message;
}

const PAYMENT_FAILURES: Record<string, string> = {
  card_declined: 'Your card was declined. Try another card, or pay with UPI.',
  insufficient_funds: 'Your card has insufficient funds. Try another card, or pay with UPI.',
  expired_card: 'Your card has expired. Please use another card.',
  incorrect_cvc: "The card's security code is incorrect.",
  processing_error: 'The card could not be processed. Please try again.',
  upi_declined: 'The UPI payment was declined. Try another UPI ID or a card.',
};

/** Why a payment failed, from the provider's reason code. */
export function paymentFailureMessage(reason: string | null): string {
  if (reason === null) return 'The payment did not go through. You can try again.';
  return (
    PAYMENT_FAILURES[reason] ?? `The payment did not go through (${reason.replace(/_/g, ' ')}). You can try again.`
  );
}
