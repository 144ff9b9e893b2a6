import { formatMinor } from '@emporium/money';
import type { OrderLineResolvers } from '../generated/resolvers-types.ts';

export const OrderLine: OrderLineResolvers = {
  unitPrice: (line) => formatMinor(line.unitPriceMinor, line.currencyCode),
  lineTotal: (line) => formatMinor(BigInt(line.unitPriceMinor) * BigInt(line.quantity), line.currencyCode),
  /** The product subgraph owns products; the router fetches the fields asked for. */
  product: (line) => ({ __typename: 'Product', id: line.productId }),
};
