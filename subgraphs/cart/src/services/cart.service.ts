import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Caller } from '@emporium/auth';
import type { EntityManager } from '@emporium/db';
import { requireCaller, unauthenticated, userError, type UserError } from '@emporium/graphql-server';
import type { CartSnapshot } from '@emporium/service-api';
import type { CartRequest, UnitOfWork } from '../request.ts';
import {
  MAX_CART_LINES,
  checkAvailable,
  checkCurrency,
  checkLineQuantity,
  isUuid,
  mergeGuestLine,
} from './cart-rules.ts';
import { loadCartLines, loadCartView, type CartView } from './cart-view.ts';
import { availableNow, cartCurrencies, isForSale } from './lookups.ts';

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

const CART_ID_FIELD = ['input', 'cartId'];

const cartNotFound = (message = 'No guest cart has this id; it may have expired or been merged'): UserError =>
  userError('CART_NOT_FOUND', message, CART_ID_FIELD);

/**
 * The cart a call means. A shopper's cart is keyed by the shopper's user id; a guest cart by
 * a random id that is its only key, `new-guest` being one the call creates.
 */
interface CartTarget {
  kind: 'shopper' | 'guest' | 'new-guest';
  id: string;
}

/**
 * Which cart a mutation changes. Without `cartId`: the signed-in shopper's cart, or, without a
 * token, a new guest cart where the call may create one (addToCart). With `cartId`: a guest
 * cart for a caller without a token; a signed-in caller changes only their own cart (its id
 * is their user id) and moves a guest cart into it with mergeGuestCart, so a stale guest id
 * kept by a client after sign-in is refused rather than filling a cart checkout never sees.
 * Another shopper's user id is CART_NOT_FOUND, never that cart.
 */
function targetOf(
  caller: Caller | null,
  cartId: string | null | undefined,
  mayCreate: boolean,
): CartTarget | UserError {
  if (cartId === null || cartId === undefined) {
    if (caller) return { kind: 'shopper', id: caller.userId };
    if (mayCreate) return { kind: 'new-guest', id: randomUUID() };
    throw unauthenticated('Sign in, or pass your guest cart’s id as cartId');
  }
  const id = cartId.toLowerCase();
  if (caller) {
    return id === caller.userId.toLowerCase()
      ? { kind: 'shopper', id }
      : cartNotFound('Signed in, you change your own cart; move a guest cart into it with mergeGuestCart');
  }
  return isUuid(id) ? { kind: 'guest', id } : cartNotFound();
}

const isTarget = (value: CartTarget | UserError): value is CartTarget => 'kind' in value;

/**
 * Takes the cart row's lock, so changes to one cart run one after the other and the line
 * checks below hold. A shopper's first change creates the row; a guest cart must exist (and
 * be a guest cart: a user id is no key to anything here); a new guest cart is created.
 * Every change counts as activity, which keeps a guest cart from expiring.
 */
async function lockCart(em: EntityManager, target: CartTarget): Promise<UserError | null> {
  switch (target.kind) {
    case 'shopper':
      await em.execute(
        'insert into carts (id, updated_at) values (?, now()) on conflict (id) do update set updated_at = now()',
        [target.id],
      );
      return null;
    case 'new-guest':
      await em.execute('insert into carts (id, guest, updated_at) values (?, true, now())', [target.id]);
      return null;
    case 'guest': {
      const rows = await em.execute<{ id: string }[]>(
        'update carts set updated_at = now() where id = ? and guest returning id',
        [target.id],
      );
      return rows.length === 0 ? cartNotFound() : null;
    }
  }
}

/**
 * Carts: the signed-in shopper's and guests', reading them, adding, changing and removing
 * lines, and moving a guest cart into a shopper's after sign-in.
 */
export class CartService {
  readonly #maxLineQuantity: number;

  constructor(options: { maxLineQuantity: number }) {
    this.#maxLineQuantity = options.maxLineQuantity;
  }

  /**
   * Without `id`, the signed-in caller's cart (an empty one when nothing was ever added).
   * With `id`, that guest cart, for anyone holding its id (the id is the key), or the
   * caller's own cart by its id; CART_NOT_FOUND for anything else.
   */
  async get(ctx: CartRequest, id?: string | null): Promise<CartView> {
    if (id === null || id === undefined) return loadCartView(ctx.em, requireCaller(ctx.caller).userId);
    const cartId = id.toLowerCase();
    if (ctx.caller?.userId.toLowerCase() === cartId) return loadCartView(ctx.em, ctx.caller.userId);
    const found =
      isUuid(cartId) &&
      (await ctx.em.execute<{ id: string }[]>('select id from carts where id = ? and guest', [cartId])).length > 0;
    if (!found) {
      throw new GraphQLError('No guest cart has this id; it may have expired or been merged', {
        extensions: { code: 'CART_NOT_FOUND' },
      });
    }
    return loadCartView(ctx.em, cartId);
  }

  /**
   * Adds units of a product; a product already in the cart has its line's quantity raised.
   * A guest's first add creates the guest cart, and only when the add succeeds.
   */
  async add(
    ctx: CartRequest,
    input: { productId: string; quantity: number; cartId?: string | null },
  ): Promise<CartPayload> {
    const target = targetOf(ctx.caller, input.cartId, true);
    const productId = input.productId.toLowerCase();
    const errors: UserError[] = isTarget(target) ? [] : [target];
    const quantityError = checkLineQuantity(input.quantity, this.#maxLineQuantity);
    if (quantityError) errors.push(quantityError);
    if (!(await isForSale(ctx.em, productId))) errors.push(productNotFound());
    if (errors.length > 0 || !isTarget(target)) return failed(errors);

    const cartId = target.id;
    return this.#change(ctx, cartId, async (em) => {
      const missing = await lockCart(em, target);
      if (missing) return [missing];
      const [existing] = await em.execute<{ quantity: number }[]>(
        'select quantity from cart_lines where cart_id = ? and product_id = ?',
        [cartId, productId],
      );
      if (!existing) {
        const [count] = await em.execute<{ lines: number }[]>(
          'select count(*)::int as lines from cart_lines where cart_id = ?',
          [cartId],
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
      // Read under the cart's lock, so two adds racing in different currencies cannot both pass.
      const currencies = await cartCurrencies(em, cartId, productId);
      const refused =
        (currencies.line === null ? null : checkCurrency(currencies.line, currencies.others)) ??
        checkLineQuantity(total, this.#maxLineQuantity) ??
        checkAvailable(total, await availableNow(em, productId));
      if (refused) return [refused];
      // The unique (cart, product) key decides between a new line and a bigger one, so even
      // two adds racing past the lock-free checks above cannot create two lines.
      await em.execute(
        `insert into cart_lines (id, cart_id, product_id, quantity) values (?, ?, ?, ?)
         on conflict (cart_id, product_id) do update set quantity = cart_lines.quantity + excluded.quantity`,
        [randomUUID(), cartId, productId, input.quantity],
      );
      return [];
    });
  }

  /** Sets a line's quantity. */
  async updateLine(
    ctx: CartRequest,
    input: { lineId: string; quantity: number; cartId?: string | null },
  ): Promise<CartPayload> {
    const target = targetOf(ctx.caller, input.cartId, false);
    if (!isTarget(target)) return failed([target]);
    const quantityError = checkLineQuantity(input.quantity, this.#maxLineQuantity);
    return this.#change(ctx, target.id, async (em) => {
      const missing = await lockCart(em, target);
      if (missing) return [missing];
      if (!isUuid(input.lineId)) return [lineNotFound(), ...(quantityError ? [quantityError] : [])];
      const [line] = await em.execute<{ product_id: string }[]>(
        'select product_id from cart_lines where id = ? and cart_id = ?',
        [input.lineId.toLowerCase(), target.id],
      );
      if (!line) return [lineNotFound(), ...(quantityError ? [quantityError] : [])];
      if (quantityError) return [quantityError];
      const refused = checkAvailable(input.quantity, await availableNow(em, line.product_id));
      if (refused) return [refused];
      await em.execute('update cart_lines set quantity = ? where id = ?', [input.quantity, input.lineId.toLowerCase()]);
      return [];
    });
  }

  /** Takes a line out of the cart. A guest cart left empty stays until it expires. */
  async removeLine(ctx: CartRequest, input: { lineId: string; cartId?: string | null }): Promise<CartPayload> {
    const target = targetOf(ctx.caller, input.cartId, false);
    if (!isTarget(target)) return failed([target]);
    return this.#change(ctx, target.id, async (em) => {
      const missing = await lockCart(em, target);
      if (missing) return [missing];
      if (!isUuid(input.lineId)) return [lineNotFound()];
      const deleted = await em.execute<{ id: string }[]>(
        'delete from cart_lines where id = ? and cart_id = ? returning id',
        [input.lineId.toLowerCase(), target.id],
      );
      return deleted.length === 0 ? [lineNotFound()] : [];
    });
  }

  /**
   * Moves a guest cart's lines into the signed-in caller's cart and deletes the guest cart,
   * in one transaction. The shopper's cart is locked first, then the guest cart's row, so a
   * second merge of the same guest cart (racing or later) waits, then finds it gone and
   * changes nothing: every line is counted once. Lines that could not move whole are merged
   * as far as they go and reported; lines of products no longer sold (which no cart shows)
   * are dropped with the guest cart.
   */
  async mergeGuest(ctx: CartRequest, input: { cartId: string }): Promise<CartPayload> {
    const { userId } = requireCaller(ctx.caller);
    const guestId = input.cartId.toLowerCase();
    if (!isUuid(guestId) || guestId === userId.toLowerCase()) return failed([cartNotFound()]);
    let warnings: UserError[] = [];
    try {
      await ctx.em.transactional(async (em) => {
        await lockCart(em, { kind: 'shopper', id: userId });
        const guest = await em.execute<{ id: string }[]>('select id from carts where id = ? and guest for update', [
          guestId,
        ]);
        if (guest.length === 0) throw new Refused([cartNotFound()]);
        warnings = await this.#moveLines(em, guestId, userId);
        await em.execute('delete from carts where id = ?', [guestId]);
      });
    } catch (error) {
      if (error instanceof Refused) return failed(error.userErrors);
      throw error;
    }
    return { cart: await loadCartView(ctx.em, userId), userErrors: warnings };
  }

  /**
   * The cart as checkout prices it (the order service asks over internal HTTP): every line,
   * with a null price for a product that left the catalogue.
   */
  async snapshot(ctx: UnitOfWork, userId: string): Promise<CartSnapshot> {
    // Guest carts are never checked out: only a shopper's own cart is read.
    const lines = isUuid(userId) ? await loadCartLines(ctx.em, userId.toLowerCase(), { shopperOnly: true }) : [];
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
   * The guest cart's lines added to the shopper's, oldest first, each capped by stock and the
   * per-line maximum (mergeGuestLine). Adds are relative to the line as it is when written,
   * so a concurrent checkout taking units out of the shopper's cart is not undone.
   */
  async #moveLines(em: EntityManager, guestId: string, userId: string): Promise<UserError[]> {
    const lines = await em.execute<
      {
        id: string;
        product_id: string;
        quantity: number;
        existing: number | null;
        available: number;
        currency_code: string;
      }[]
    >(
      `select g.id, g.product_id, g.quantity, s.quantity as existing, trim(p.currency_code) as currency_code,
              coalesce(greatest(i.on_hand - i.reserved, 0), 0)::int as available
         from cart_lines g
         join catalogue_products p on p.product_id = g.product_id and not p.deleted and p.name is not null
              and p.currency_code is not null
         left join cart_lines s on s.cart_id = ? and s.product_id = g.product_id
         left join inventory i on i.product_id = g.product_id
        where g.cart_id = ? order by g.created_at, g.id`,
      [userId, guestId],
    );
    const [count] = await em.execute<{ lines: number }[]>(
      'select count(*)::int as lines from cart_lines where cart_id = ?',
      [userId],
    );
    let lineCount = count?.lines ?? 0;
    // The shopper's cart keeps its currency; an empty one takes that of the first line moved.
    const held = new Set((await cartCurrencies(em, userId, null)).others);
    const errors: UserError[] = [];
    for (const line of lines) {
      const mixed = checkCurrency(line.currency_code, [...held], [...CART_ID_FIELD, 'lines', line.id]);
      if (mixed) {
        errors.push(mixed);
        continue;
      }
      const { moved, error } = mergeGuestLine({
        existing: line.existing,
        incoming: line.quantity,
        available: line.available,
        maxLineQuantity: this.#maxLineQuantity,
        roomForNewLine: lineCount < MAX_CART_LINES,
        field: [...CART_ID_FIELD, 'lines', line.id],
      });
      if (error) errors.push(error);
      if (moved === 0) continue;
      await em.execute(
        `insert into cart_lines (id, cart_id, product_id, quantity) values (?, ?, ?, ?)
         on conflict (cart_id, product_id) do update set quantity = cart_lines.quantity + excluded.quantity`,
        [randomUUID(), userId, line.product_id, moved],
      );
      if (line.existing === null) lineCount += 1;
      held.add(line.currency_code);
    }
    return errors;
  }

  /**
   * Runs a change in one transaction; user errors returned by `work` roll it back, so a
   * refused change leaves the cart exactly as it was.
   */
  async #change(
    ctx: CartRequest,
    cartId: string,
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
    return { cart: await loadCartView(ctx.em, cartId), userErrors: [] };
  }
}
