import type { EntityManager } from '@emporium/db';

/** A cart as the API shows it: its lines with the catalogue's current prices. */
export interface CartView {
  /** The shopper's user id, or a guest cart's random id. */
  id: string;
  lines: CartLineView[];
}

/** A product this subgraph extends, by its federation key. */
export interface ProductReference {
  id: string;
}

/** One stored line with its product's current catalogue price. */
export interface CartLineRow {
  id: string;
  productId: string;
  quantity: number;
  addedAt: Date;
  /** Null when the product left the catalogue (or the replica has not seen it yet). */
  unitPriceMinor: number | null;
  currencyCode: string | null;
}

/** A line as the API shows it: always of a product for sale, so always priced. */
export interface CartLineView extends CartLineRow {
  unitPriceMinor: number;
  currencyCode: string;
}

/** The currency of an empty cart's subtotal; every demo product is priced in it. */
export const DEFAULT_CURRENCY = 'USD';

interface LineRow {
  id: string;
  product_id: string;
  quantity: number;
  created_at: Date | string;
  price_minor: string | number | null;
  currency_code: string | null;
  deleted: boolean | null;
}

/**
 * A cart's lines, oldest first, each priced from the catalogue replica in the same query. A
 * product that left the catalogue keeps its line with a null price: the API hides it,
 * checkout sees it and refuses to price it. `shopperOnly` reads nothing from a guest cart.
 */
export async function loadCartLines(
  em: EntityManager,
  cartId: string,
  options: { shopperOnly?: boolean } = {},
): Promise<CartLineRow[]> {
  const onlyShoppers = options.shopperOnly
    ? 'and exists (select 1 from carts c where c.id = l.cart_id and not c.guest)'
    : '';
  const rows = await em.execute<LineRow[]>(
    `select l.id, l.product_id, l.quantity, l.created_at, p.price_minor, p.currency_code, p.deleted
       from cart_lines l left join catalogue_products p on p.product_id = l.product_id
      where l.cart_id = ? ${onlyShoppers} order by l.created_at, l.id`,
    [cartId],
  );
  return rows.map((row) => {
    const priced = row.deleted === false && row.price_minor !== null && row.currency_code !== null;
    return {
      id: row.id,
      productId: row.product_id,
      quantity: row.quantity,
      addedAt: new Date(row.created_at),
      unitPriceMinor: priced ? Number(row.price_minor) : null,
      currencyCode: priced ? (row.currency_code?.trim() ?? null) : null,
    };
  });
}

const isPriced = (line: CartLineRow): line is CartLineView =>
  line.unitPriceMinor !== null && line.currencyCode !== null;

/** The cart as the API shows it: only lines of products still for sale. */
export async function loadCartView(em: EntityManager, cartId: string): Promise<CartView> {
  const lines = await loadCartLines(em, cartId);
  return { id: cartId, lines: lines.filter(isPriced) };
}

/** A cart's subtotal in minor units, in one currency, and whether lines were left out of it. */
export interface Subtotal {
  amountMinor: bigint;
  currencyCode: string;
  /** True when lines priced in another currency are not in the subtotal. */
  mixedCurrencies: boolean;
}

/**
 * The subtotal in the cart's currency: that of its oldest line. addToCart keeps a cart in one
 * currency, but a price change may switch a product's currency while it sits in a cart; such
 * a line is left out rather than added as if its currency were the cart's, the cart says so,
 * and checkout refuses the cart (MIXED_CURRENCIES) until the line goes.
 */
export function subtotalOf(lines: readonly CartLineView[]): Subtotal {
  const currencyCode = lines[0]?.currencyCode ?? DEFAULT_CURRENCY;
  let amountMinor = 0n;
  let mixedCurrencies = false;
  for (const line of lines) {
    if (line.currencyCode === currencyCode) amountMinor += BigInt(line.unitPriceMinor) * BigInt(line.quantity);
    else mixedCurrencies = true;
  }
  return { amountMinor, currencyCode, mixedCurrencies };
}
