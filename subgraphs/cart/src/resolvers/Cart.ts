import { formatMinor } from '@emporium/money';
import type { CartResolvers } from '../generated/resolvers-types.ts';
import { DEFAULT_CURRENCY } from '../services/cart-view.ts';

export const Cart: CartResolvers = {
  totalQuantity: (cart) => cart.lines.reduce((sum, line) => sum + line.quantity, 0),
  // Every product is priced in the store's one currency, so the first line's is the cart's.
  subtotal: (cart) =>
    formatMinor(
      cart.lines.reduce((sum, line) => sum + BigInt(line.unitPriceMinor) * BigInt(line.quantity), 0n),
      cart.lines[0]?.currencyCode ?? DEFAULT_CURRENCY,
    ),
  lines: (cart) => cart.lines,
};
