import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ProductReference as ProductReferenceEntity, CartView as CartViewEntity, CartLineView as CartLineViewEntity } from '../services/cart-view.ts';
import type { Inventory as InventoryEntity } from '../entities/inventory.entity.ts';
import type { Money as MoneyEntity } from '@emporium/money';
import type { CartContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, as an ISO 8601 string in UTC. */
  DateTime: { input: Date; output: Date | string; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** A product to put into the cart; a product already there has its quantity increased. */
export type AddToCartInput = {
  /**
   * A guest's cart to add to. Without a token and without cartId, a new guest cart is created
   * (its id comes back in the payload). With a token, omit it (or pass the shopper's own cart id):
   * a signed-in shopper changes only their own cart and moves a guest cart into it with
   * mergeGuestCart, so any other id is CART_NOT_FOUND.
   */
  cartId?: InputMaybe<Scalars['ID']['input']>;
  productId: Scalars['ID']['input'];
  /** Units to add, at least 1. */
  quantity: Scalars['Int']['input'];
};

/** The cart after the change, or what to fix. */
export type AddToCartPayload = {
  __typename?: 'AddToCartPayload';
  /** Null when there are userErrors; nothing changed then. */
  cart: Maybe<Cart>;
  userErrors: Array<UserError>;
};

/**
 * A cart: a signed-in shopper's (every shopper has exactly one, empty until something is
 * added) or a guest's (created by a guest's first addToCart, deleted by mergeGuestCart or
 * after a configured time without changes, 7 days unless configured otherwise).
 */
export type Cart = {
  __typename?: 'Cart';
  /**
   * A shopper's cart: the shopper's user id, the same for the shopper's whole life. A guest
   * cart: a random, unguessable id, the only key to it; pass it as `cartId` and to `cart(id:)`.
   */
  id: Scalars['ID']['output'];
  /** In the order they were added. */
  lines: Array<CartLine>;
  /**
   * True when a price change switched a product in the cart to another currency than the
   * subtotal's: such lines are not in the subtotal, and checkout refuses the cart
   * (MIXED_CURRENCIES) until they are removed.
   */
  mixedCurrencies: Scalars['Boolean']['output'];
  /**
   * Sum of the line totals at today's catalogue prices, in the currency of the oldest line;
   * 0.00 USD for an empty cart. A cart takes one currency (addToCart refuses a product priced
   * in another with MIXED_CURRENCIES), so it adds only amounts of that currency.
   */
  subtotal: Money;
  /** Units across all lines. */
  totalQuantity: Scalars['Int']['output'];
};

/** One product in a cart, with its quantity. */
export type CartLine = {
  __typename?: 'CartLine';
  /** When the product first went into the cart. */
  addedAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Unit price times quantity. */
  lineTotal: Money;
  product: Product;
  /** 1 to the per-line maximum (100 unless configured otherwise). */
  quantity: Scalars['Int']['output'];
  /** The catalogue price now; checkout charges the price at checkout time. */
  unitPrice: Money;
};

/** A product's stock. Units held for unpaid orders are reserved and cannot be bought. */
export type Inventory = {
  __typename?: 'Inventory';
  /** Units that can be bought now: on hand minus reserved (0 for a product never stocked). */
  available: Scalars['Int']['output'];
  /** True when at least one unit is available. */
  inStock: Scalars['Boolean']['output'];
  /** Units in the warehouse, including reserved ones. ADMIN only; null for everyone else. */
  onHand: Maybe<Scalars['Int']['output']>;
  productId: Scalars['ID']['output'];
  /** Units held for orders that are not paid yet. ADMIN only; null for everyone else. */
  reserved: Maybe<Scalars['Int']['output']>;
};

/** The guest cart to move into the signed-in shopper's cart. */
export type MergeGuestCartInput = {
  cartId: Scalars['ID']['input'];
};

/** The shopper's cart after the merge, and what could not move whole. */
export type MergeGuestCartPayload = {
  __typename?: 'MergeGuestCartPayload';
  /** The shopper's cart after the merge; null only with CART_NOT_FOUND (nothing changed then). */
  cart: Maybe<Cart>;
  /**
   * CART_NOT_FOUND (unknown, expired or already merged guest cart; field ["input", "cartId"]), or
   * one error per guest line that could not move whole, the merge still done: INSUFFICIENT_STOCK
   * (capped by the units available), INVALID_QUANTITY (capped by the per-line maximum, or no room
   * for another product). Such an error's field is ["input", "cartId", "lines", <guest line id>].
   */
  userErrors: Array<UserError>;
};

/** An amount of money. Totals are always computed by the server from catalogue prices. */
export type Money = {
  __typename?: 'Money';
  /** Decimal string with two places, e.g. "1099.00". */
  amount: Scalars['String']['output'];
  /** ISO 4217, e.g. USD. */
  currencyCode: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Signed-in shoppers, or guests (see AddToCartInput.cartId). INVALID_QUANTITY, PRODUCT_NOT_FOUND,
   * INSUFFICIENT_STOCK (the message says how many are available), CART_NOT_FOUND, MIXED_CURRENCIES
   * (the product is priced in another currency than the cart's lines; the message names both).
   */
  addToCart: AddToCartPayload;
  /**
   * Signed-in shoppers, after register or login: moves the guest cart's lines into the shopper's
   * cart in one transaction (quantities of one product add up, capped by the units available and
   * the per-line maximum; a line priced in another currency than the shopper's cart stays out,
   * reported as MIXED_CURRENCIES), then deletes the guest cart. A second merge of the same guest cart,
   * even one racing the first, changes nothing and answers CART_NOT_FOUND.
   */
  mergeGuestCart: MergeGuestCartPayload;
  /**
   * Signed-in shoppers, or guests with cartId. LINE_NOT_FOUND, CART_NOT_FOUND. UNAUTHENTICATED
   * without a token and without cartId.
   */
  removeCartLine: RemoveCartLinePayload;
  /** ADMIN only. Sets the units on hand. PRODUCT_NOT_FOUND, INVALID_QUANTITY (negative, too large, or below the units reserved). */
  setStock: SetStockPayload;
  /**
   * Signed-in shoppers, or guests with cartId. LINE_NOT_FOUND, INVALID_QUANTITY, INSUFFICIENT_STOCK,
   * CART_NOT_FOUND. UNAUTHENTICATED without a token and without cartId.
   */
  updateCartLine: UpdateCartLinePayload;
};


export type MutationAddToCartArgs = {
  input: AddToCartInput;
};


export type MutationMergeGuestCartArgs = {
  input: MergeGuestCartInput;
};


export type MutationRemoveCartLineArgs = {
  input: RemoveCartLineInput;
};


export type MutationSetStockArgs = {
  input: SetStockInput;
};


export type MutationUpdateCartLineArgs = {
  input: UpdateCartLineInput;
};

/** Something the store sells; this subgraph adds its stock. */
export type Product = {
  __typename?: 'Product';
  id: Scalars['ID']['output'];
  /** How many units can be bought now. */
  inventory: Inventory;
};

export type Query = {
  __typename?: 'Query';
  /**
   * Without `id`: the signed-in shopper's cart (UNAUTHENTICATED without a token). With `id`: that
   * guest cart, for anyone holding its id (or the signed-in shopper's own cart by its id); an
   * error with code CART_NOT_FOUND for any other id, another shopper's included.
   */
  cart: Cart;
};


export type QueryCartArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
};

/** The line to take out of the cart. */
export type RemoveCartLineInput = {
  /**
   * The guest cart the line is in, for a caller without a token; omit it for the signed-in
   * shopper's own cart (see AddToCartInput.cartId).
   */
  cartId?: InputMaybe<Scalars['ID']['input']>;
  lineId: Scalars['ID']['input'];
};

/** The cart after the change, or what to fix. */
export type RemoveCartLinePayload = {
  __typename?: 'RemoveCartLinePayload';
  /** Null when there are userErrors; nothing changed then. */
  cart: Maybe<Cart>;
  userErrors: Array<UserError>;
};

/** A product's new stock level. */
export type SetStockInput = {
  productId: Scalars['ID']['input'];
  /** Units on hand; not below the units reserved for open orders. */
  quantity: Scalars['Int']['input'];
};

/** The product's stock after the change, or what to fix. */
export type SetStockPayload = {
  __typename?: 'SetStockPayload';
  /** Null when there are userErrors; nothing changed then. */
  inventory: Maybe<Inventory>;
  userErrors: Array<UserError>;
};

/** A new quantity for a line of the cart. */
export type UpdateCartLineInput = {
  /**
   * The guest cart the line is in, for a caller without a token; omit it for the signed-in
   * shopper's own cart (see AddToCartInput.cartId).
   */
  cartId?: InputMaybe<Scalars['ID']['input']>;
  lineId: Scalars['ID']['input'];
  /** The line's new quantity, at least 1 (remove the line with removeCartLine). */
  quantity: Scalars['Int']['input'];
};

/** The cart after the change, or what to fix. */
export type UpdateCartLinePayload = {
  __typename?: 'UpdateCartLinePayload';
  /** Null when there are userErrors; nothing changed then. */
  cart: Maybe<Cart>;
  userErrors: Array<UserError>;
};

/** An expected failure the user can fix, returned in a mutation's payload. */
export type UserError = {
  __typename?: 'UserError';
  code: Scalars['String']['output'];
  /** Path of the offending input field, e.g. ["input", "quantity"], or null. */
  field: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Product: Product;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Product:
    ( { __typename: 'Product' }
    & GraphQLRecursivePick<FederationTypes['Product'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AddToCartInput: AddToCartInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AddToCartPayload: ResolverTypeWrapper<Omit<AddToCartPayload, 'cart'> & { cart?: Maybe<ResolversTypes['Cart']> }>;
  Cart: ResolverTypeWrapper<CartViewEntity>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CartLine: ResolverTypeWrapper<CartLineViewEntity>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Inventory: ResolverTypeWrapper<InventoryEntity>;
  MergeGuestCartInput: MergeGuestCartInput;
  MergeGuestCartPayload: ResolverTypeWrapper<Omit<MergeGuestCartPayload, 'cart'> & { cart?: Maybe<ResolversTypes['Cart']> }>;
  Money: ResolverTypeWrapper<MoneyEntity>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Product: ResolverTypeWrapper<ProductReferenceEntity>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RemoveCartLineInput: RemoveCartLineInput;
  RemoveCartLinePayload: ResolverTypeWrapper<Omit<RemoveCartLinePayload, 'cart'> & { cart?: Maybe<ResolversTypes['Cart']> }>;
  SetStockInput: SetStockInput;
  SetStockPayload: ResolverTypeWrapper<Omit<SetStockPayload, 'inventory'> & { inventory?: Maybe<ResolversTypes['Inventory']> }>;
  UpdateCartLineInput: UpdateCartLineInput;
  UpdateCartLinePayload: ResolverTypeWrapper<Omit<UpdateCartLinePayload, 'cart'> & { cart?: Maybe<ResolversTypes['Cart']> }>;
  UserError: ResolverTypeWrapper<UserError>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AddToCartInput: AddToCartInput;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  AddToCartPayload: Omit<AddToCartPayload, 'cart'> & { cart?: Maybe<ResolversParentTypes['Cart']> };
  Cart: CartViewEntity;
  Boolean: Scalars['Boolean']['output'];
  CartLine: CartLineViewEntity;
  DateTime: Scalars['DateTime']['output'];
  Inventory: InventoryEntity;
  MergeGuestCartInput: MergeGuestCartInput;
  MergeGuestCartPayload: Omit<MergeGuestCartPayload, 'cart'> & { cart?: Maybe<ResolversParentTypes['Cart']> };
  Money: MoneyEntity;
  String: Scalars['String']['output'];
  Mutation: Record<PropertyKey, never>;
  Product: ProductReferenceEntity;
  Query: Record<PropertyKey, never>;
  RemoveCartLineInput: RemoveCartLineInput;
  RemoveCartLinePayload: Omit<RemoveCartLinePayload, 'cart'> & { cart?: Maybe<ResolversParentTypes['Cart']> };
  SetStockInput: SetStockInput;
  SetStockPayload: Omit<SetStockPayload, 'inventory'> & { inventory?: Maybe<ResolversParentTypes['Inventory']> };
  UpdateCartLineInput: UpdateCartLineInput;
  UpdateCartLinePayload: Omit<UpdateCartLinePayload, 'cart'> & { cart?: Maybe<ResolversParentTypes['Cart']> };
  UserError: UserError;
}>;

export type AddToCartPayloadResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['AddToCartPayload'] = ResolversParentTypes['AddToCartPayload']> = ResolversObject<{
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type CartResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['Cart'] = ResolversParentTypes['Cart']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['CartLine']>, ParentType, ContextType>;
  mixedCurrencies?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  subtotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  totalQuantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CartLineResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['CartLine'] = ResolversParentTypes['CartLine']> = ResolversObject<{
  addedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type InventoryResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['Inventory'] = ResolversParentTypes['Inventory']> = ResolversObject<{
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  inStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  onHand?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  productId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reserved?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type MergeGuestCartPayloadResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['MergeGuestCartPayload'] = ResolversParentTypes['MergeGuestCartPayload']> = ResolversObject<{
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type MoneyResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  addToCart?: Resolver<ResolversTypes['AddToCartPayload'], ParentType, ContextType, RequireFields<MutationAddToCartArgs, 'input'>>;
  mergeGuestCart?: Resolver<ResolversTypes['MergeGuestCartPayload'], ParentType, ContextType, RequireFields<MutationMergeGuestCartArgs, 'input'>>;
  removeCartLine?: Resolver<ResolversTypes['RemoveCartLinePayload'], ParentType, ContextType, RequireFields<MutationRemoveCartLineArgs, 'input'>>;
  setStock?: Resolver<ResolversTypes['SetStockPayload'], ParentType, ContextType, RequireFields<MutationSetStockArgs, 'input'>>;
  updateCartLine?: Resolver<ResolversTypes['UpdateCartLinePayload'], ParentType, ContextType, RequireFields<MutationUpdateCartLineArgs, 'input'>>;
}>;

export type ProductResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product'], FederationReferenceType extends FederationReferenceTypes['Product'] = FederationReferenceTypes['Product']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inventory?: Resolver<ResolversTypes['Inventory'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  cart?: Resolver<ResolversTypes['Cart'], ParentType, ContextType, Partial<QueryCartArgs>>;
}>;

export type RemoveCartLinePayloadResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['RemoveCartLinePayload'] = ResolversParentTypes['RemoveCartLinePayload']> = ResolversObject<{
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type SetStockPayloadResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['SetStockPayload'] = ResolversParentTypes['SetStockPayload']> = ResolversObject<{
  inventory?: Resolver<Maybe<ResolversTypes['Inventory']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type UpdateCartLinePayloadResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['UpdateCartLinePayload'] = ResolversParentTypes['UpdateCartLinePayload']> = ResolversObject<{
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type UserErrorResolvers<ContextType = CartContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = CartContext> = ResolversObject<{
  AddToCartPayload?: AddToCartPayloadResolvers<ContextType>;
  Cart?: CartResolvers<ContextType>;
  CartLine?: CartLineResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Inventory?: InventoryResolvers<ContextType>;
  MergeGuestCartPayload?: MergeGuestCartPayloadResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RemoveCartLinePayload?: RemoveCartLinePayloadResolvers<ContextType>;
  SetStockPayload?: SetStockPayloadResolvers<ContextType>;
  UpdateCartLinePayload?: UpdateCartLinePayloadResolvers<ContextType>;
  UserError?: UserErrorResolvers<ContextType>;
}>;

