import { formatMinor } from '@emporium/money';
import type { CartLineResolvers } from '../generated/resolvers-types.ts';

export const CartLine: CartLineResolvers = {
  product: (line) => ({ id: line.productId }),
  unitPrice: (line) => formatMinor(line.unitPriceMinor, line.currencyCode),
  lineTotal: (line) => formatMinor(BigInt(line.unitPriceMinor) * BigInt(line.quantity), line.currencyCode),
  addedAt: (line) => line.addedAt,
};
