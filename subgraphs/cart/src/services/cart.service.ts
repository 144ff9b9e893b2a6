import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@emporium/db';
import { requireCaller, userError, type UserError } from '@emporium/graphql-server';
import type { CartSnapshot } from '@emporium/service-api';
import type { CartContext, UnitOfWork } from '../context.ts';
import { MAX_CART_LINES, checkAvailable, checkLineQuantity, isUuid } from './cart-rules.ts';
import { loadCartLines, loadCartView, type CartView } from './cart-view.ts';
import { availableNow, isForSale } from './lookups.ts';

/** A cart mutation's payload: the cart after the change, or what to fix (and nothing changed). */
export interface CartPayload {
  cart: CartView | null;
  userErrors: UserError[];
}

/** Thrown inside a transaction to roll it back and answer with user errors instead. */
class Refused extends Error {
  readonly userErrors: UserError[];

  constructor(userErrors: UserError[]) {
    super('refused');
    this.userErrors = userErrors;
  }
}

const failed = (userErrors: UserError[]): CartPayload => ({ cart: null, userErrors });

const productNotFound = (): UserError =>
  userError('PRODUCT_NOT_FOUND', 'No product for sale has this id', ['input', 'productId']);

const lineNotFound = (): UserError =>
  userError('LINE_NOT_FOUND', 'Your cart has no line with this id', ['input', 'lineId']);

/**
 * Upserts the cart row: the first change creates the cart, every change takes its row lock,
 * so changes to one cart run one after the other and the line checks below hold.
 */
async function lockCart(em: EntityManager, userId: string): Promise<void> {
  await em.execute(
    'insert into carts (id, updated_at) values (?, now()) on conflict (id) do update set updated_at = now()',
    [userId],
  );
}

/** The signed-in shopper's cart: reading it, and adding, changing and removing lines. */
export class CartService {
  readonly #maxLineQuantity: number;

  constructor(options: { maxLineQuantity: number }) {
    this.#maxLineQuantity = options.maxLineQuantity;
  }

  /** The caller's cart; an empty one when nothing was ever added. */
  async get(ctx: CartContext): Promise<CartView> {
    const caller = requireCaller(ctx.caller);
    return loadCartView(ctx.em, caller.userId);
  }

  /** Adds units of a product; a product already in the cart has its line's quantity raised. */
  async add(ctx: CartContext, input: { productId: string; quantity: number }): Promise<CartPayload> {
    const { userId } = requireCaller(ctx.caller);
    const productId = input.productId.toLowerCase();
    const errors: UserError[] = [];
    const quantityError = checkLineQuantity(input.quantity, this.#maxLineQuantity);
    if (quantityError) errors.push(quantityError);
    if (!(await isForSale(ctx.em, productId))) errors.push(productNotFound());
    if (errors.length > 0) return failed(errors);

    return this.#change(ctx, userId, async (em) => {
      await lockCart(em, userId);
      const [existing] = await em.execute<{ quantity: number }[]>(
        'select quantity from cart_lines where cart_id = ? and product_id = ?',
        [userId, productId],
      );
      if (!existing) {
        const [count] = await em.execute<{ lines: number }[]>(
          'select count(*)::int as lines from cart_lines where cart_id = ?',
          [userId],
        );
        if ((count?.lines ?? 0) >= MAX_CART_LINES) {
          return [
            userError(
              'INVALID_QUANTITY',
              `A cart holds at most ${MAX_CART_LINES} different products; remove one first`,
              ['input', 'productId'],
            ),
          ];
        }
      }
      const total = (existing?.quantity ?? 0) + input.quantity;
      const refused =
        checkLineQuantity(total, this.#maxLineQuantity) ?? checkAvailable(total, await availableNow(em, productId));
      if (refused) return [refused];
      // The unique (cart, product) key decides between a new line and a bigger one, so even
      // two adds racing past the lock-free checks above cannot create two lines.
      await em.execute(
        `insert into cart_lines (id, cart_id, product_id, quantity) values (?, ?, ?, ?)
         on conflict (cart_id, product_id) do update set quantity = cart_lines.quantity + excluded.quantity`,
        [randomUUID(), userId, productId, input.quantity],
      );
      return [];
    });
  }

  /** Sets a line's quantity. */
  async updateLine(ctx: CartContext, input: { lineId: string; quantity: number }): Promise<CartPayload> {
    const { userId } = requireCaller(ctx.caller);
    const quantityError = checkLineQuantity(input.quantity, this.#maxLineQuantity);
    if (!isUuid(input.lineId)) return failed([lineNotFound(), ...(quantityError ? [quantityError] : [])]);
    return this.#change(ctx, userId, async (em) => {
      await lockCart(em, userId);
      const [line] = await em.execute<{ product_id: string }[]>(
        'select product_id from cart_lines where id = ? and cart_id = ?',
        [input.lineId.toLowerCase(), userId],
      );
      if (!line) return [lineNotFound(), ...(quantityError ? [quantityError] : [])];
      if (quantityError) return [quantityError];
      const refused = checkAvailable(input.quantity, await availableNow(em, line.product_id));
      if (refused) return [refused];
      await em.execute('update cart_lines set quantity = ? where id = ?', [input.quantity, input.lineId.toLowerCase()]);
      return [];
    });
  }

  /** Takes a line out of the cart. */
  async removeLine(ctx: CartContext, input: { lineId: string }): Promise<CartPayload> {
    const { userId } = requireCaller(ctx.caller);
    if (!isUuid(input.lineId)) return failed([lineNotFound()]);
    return this.#change(ctx, userId, async (em) => {
      await lockCart(em, userId);
      const deleted = await em.execute<{ id: string }[]>(
        'delete from cart_lines where id = ? and cart_id = ? returning id',
        [input.lineId.toLowerCase(), userId],
      );
      return deleted.length === 0 ? [lineNotFound()] : [];
    });
  }

  /**
   * The cart as checkout prices it (the order service asks over internal HTTP): every line,
   * with a null price for a product that left the catalogue.
   */
  async snapshot(ctx: UnitOfWork, userId: string): Promise<CartSnapshot> {
    const lines = isUuid(userId) ? await loadCartLines(ctx.em, userId.toLowerCase()) : [];
    return {
      userId,
      lines: lines.map((line) => ({
        lineId: line.id,
        productId: line.productId,
        quantity: line.quantity,
        unitPrice:
          line.unitPriceMinor === null || line.currencyCode === null
            ? null
            : { amountMinor: line.unitPriceMinor, currencyCode: line.currencyCode },
      })),
    };
  }

  /**
   * Runs a change in one transaction; user errors returned by `work` roll it back, so a
   * refused change leaves the cart exactly as it was.
   */
  async #change(
    ctx: CartContext,
    userId: string,
    work: (em: EntityManager) => Promise<UserError[]>,
  ): Promise<CartPayload> {
    try {
      await ctx.em.transactional(async (em) => {
        const userErrors = await work(em);
        if (userErrors.length > 0) throw new Refused(userErrors);
      });
    } catch (error) {
      if (error instanceof Refused) return failed(error.userErrors);
      throw error;
    }
    return { cart: await loadCartView(ctx.em, userId), userErrors: [] };
  }
}
