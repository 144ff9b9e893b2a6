/**
 * The cart's input rules, pure so they are unit-tested without a database. Each returns
 * the user error to report, or null when the input is acceptable.
 */
import { userError, type UserError } from '@emporium/graphql-server';

/** Most distinct products one cart holds; a longer cart is a bot or a mistake. */
export const MAX_CART_LINES = 100;

/** Most units an admin may put on hand for one product (well inside PostgreSQL's integer). */
export const MAX_STOCK = 1_000_000;

export { isUuid } from '@emporium/graphql-server';

/** A line's requested quantity: a whole number from 1 to `max`. */
export function checkLineQuantity(quantity: number, max: number, field = ['input', 'quantity']): UserError | null {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    return userError('INVALID_QUANTITY', 'Quantity must be at least 1', field);
  }
  if (quantity > max) return userError('INVALID_QUANTITY', `A cart line holds at most ${max} units`, field);
  return null;
}

/** A line's quantity against what can be bought now. */
export function checkAvailable(quantity: number, available: number, field = ['input', 'quantity']): UserError | null {
  if (quantity <= available) return null;
  const message =
    available <= 0
      ? 'This product is out of stock'
      : `Only ${available} ${available === 1 ? 'unit is' : 'units are'} available`;
  return userError('INSUFFICIENT_STOCK', message, field);
}

/**
 * A line's currency against the currencies the cart's other lines are priced in: one cart
 * takes one currency, as one order does, so its subtotal never adds different currencies.
 */
export function checkCurrency(
  lineCurrency: string,
  cartCurrencies: readonly string[],
  field = ['input', 'productId'],
): UserError | null {
  const others = [...new Set(cartCurrencies)].filter((code) => code !== lineCurrency).sort();
  if (others.length === 0) return null;
  return userError(
    'MIXED_CURRENCIES',
    `This product is priced in ${lineCurrency}; your cart holds prices in ${others.join(' and ')}. One cart takes one currency`,
    field,
  );
}

/** What merging one guest line into a shopper's cart does: units moved, and why not all of them. */
export interface GuestLineMerge {
  /** Units added to the shopper's cart (0 when none could move). */
  moved: number;
  /** Set when fewer than the guest line's units moved. */
  error: UserError | null;
}

/**
 * One guest cart line merged into a shopper's cart: `existing` units of the product already
 * there (null for none), `incoming` from the guest line. The sum is capped by the units
 * available and by the per-line maximum; the shopper's own units are never taken away, even
 * when stock has since fallen below them. A product not yet in the cart needs room for one
 * more line. `field` names the guest line in the errors.
 */
export function mergeGuestLine(options: {
  existing: number | null;
  incoming: number;
  available: number;
  maxLineQuantity: number;
  roomForNewLine: boolean;
  field: string[];
}): GuestLineMerge {
  const { existing, incoming, available, maxLineQuantity, field } = options;
  if (existing === null && !options.roomForNewLine) {
    const message = `A cart holds at most ${MAX_CART_LINES} different products; this one could not move`;
    return { moved: 0, error: userError('INVALID_QUANTITY', message, field) };
  }
  const have = existing ?? 0;
  const capped = Math.max(have, Math.min(have + incoming, available, maxLineQuantity));
  const moved = capped - have;
  if (moved === incoming) return { moved, error: null };
  const of = `${moved} of ${incoming} ${incoming === 1 ? 'unit' : 'units'} moved`;
  // Stock is the tighter limit when it is below the per-line maximum.
  if (available < maxLineQuantity) {
    const left = available <= 0 ? 'the product is out of stock' : `only ${available} available`;
    return { moved, error: userError('INSUFFICIENT_STOCK', `${of}: ${left}`, field) };
  }
  return { moved, error: userError('INVALID_QUANTITY', `${of}: a cart line holds at most ${maxLineQuantity}`, field) };
}

/** An admin's stock level: a whole number from 0 to {@link MAX_STOCK}, not below what orders hold. */
export function checkStockQuantity(quantity: number, reserved = 0): UserError | null {
  const field = ['input', 'quantity'];
  if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > MAX_STOCK) {
    return userError('INVALID_QUANTITY', `Stock must be a whole number from 0 to ${MAX_STOCK}`, field);
  }
  if (quantity < reserved) {
    return userError(
      'INVALID_QUANTITY',
      `${reserved} ${reserved === 1 ? 'unit is' : 'units are'} reserved by open orders; stock cannot go below that`,
      field,
    );
  }
  return null;
}

/** Available units of a stock row (none for a product never stocked). */
export const availableOf = (stock: { onHand: number; reserved: number } | null | undefined): number =>
  stock ? Math.max(0, stock.onHand - stock.reserved) : 0;

/**
 * An order's lines as inventory holds them: one entry per product (a product listed twice
 * is reserved once, for the sum), sorted by product id so concurrent reservations lock
 * inventory rows in the same order and cannot deadlock.
 */
export function mergeLines(lines: readonly { productId: string; quantity: number }[]): {
  productId: string;
  quantity: number;
}[] {
  const merged = new Map<string, number>();
  for (const line of lines) {
    const id = line.productId.toLowerCase();
    merged.set(id, (merged.get(id) ?? 0) + line.quantity);
  }
  return [...merged.entries()]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}
