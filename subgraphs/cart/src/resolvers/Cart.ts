import { formatMinor } from '@emporium/money';
import type { CartResolvers } from '../generated/resolvers-types.ts';
import { subtotalOf } from '../services/cart-view.ts';

export const Cart: CartResolvers = {
  totalQuantity: (cart) => cart.lines.reduce((sum, line) => sum + line.quantity, 0),
  subtotal: (cart) => {
    const { amountMinor, currencyCode } = subtotalOf(cart.lines);
    return formatMinor(amountMinor, currencyCode);
  },
  mixedCurrencies: (cart) => subtotalOf(cart.lines).mixedCurrencies,
  lines: (cart) => cart.lines,
};
