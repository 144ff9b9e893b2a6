import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Order as OrderEntity } from '../entities/order.entity.ts';
import type { OrderLine as OrderLineEntity } from '../entities/order-line.entity.ts';
import type { OrderStatusChange as OrderStatusChangeEntity } from '../entities/order-status-change.entity.ts';
import type { Money as MoneyEntity } from '@emporium/money';
import type { OrderContext } from '../context.ts';
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

/** The order to cancel. */
export type CancelOrderInput = {
  orderId: Scalars['ID']['input'];
};

/** The cancelled order, or what to fix. */
export type CancelOrderPayload = {
  __typename?: 'CancelOrderPayload';
  /** Null when there are userErrors. */
  order: Maybe<Order>;
  /**
   * ORDER_NOT_FOUND (no such order of the caller's), ORDER_NOT_CANCELLABLE (payment is under way or the order is
   * final; only PENDING, AWAITING_PAYMENT and PAYMENT_FAILED orders can be cancelled).
   */
  userErrors: Array<UserError>;
};

/** Checks out the caller's cart. */
export type CheckoutInput = {
  /**
   * The total the shopper saw. When given and the cart's current total differs, nothing is ordered and
   * PRICE_CHANGED tells the new total.
   */
  expectedTotal?: InputMaybe<MoneyInput>;
  /**
   * 1 to 128 printable characters, chosen by the client per checkout attempt. Retrying with the same key returns
   * the same order instead of placing another; reusing it for a different cart fails with IDEMPOTENCY_KEY_REUSED.
   */
  idempotencyKey: Scalars['String']['input'];
};

/** The placed order (PENDING), or what to fix. */
export type CheckoutPayload = {
  __typename?: 'CheckoutPayload';
  /** Null when there are userErrors. */
  order: Maybe<Order>;
  /**
   * CART_EMPTY, PRODUCT_NOT_FOUND (a product left the catalogue), MIXED_CURRENCIES (the cart holds prices in more
   * than one currency), PRICE_CHANGED, IDEMPOTENCY_KEY_REUSED.
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

/** A price as an admin enters it. */
export type MoneyInput = {
  /** Non-negative decimal string with at most two places, e.g. "1099.00". */
  amount: Scalars['String']['input'];
  /** One of the currencies the store sells in: USD, EUR, GBP, INR. */
  currencyCode: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Signed-in owners. Cancels an order that is not paid and has no payment under way; reserved stock goes back.
   * ORDER_NOT_FOUND, ORDER_NOT_CANCELLABLE.
   */
  cancelOrder: CancelOrderPayload;
  /**
   * Signed-in shoppers. Prices the caller's cart from the catalogue and places a PENDING order; inventory then
   * reserves its lines (AWAITING_PAYMENT) or rejects it (REJECTED). The cart is emptied of what was bought once the
   * stock is reserved. CART_EMPTY, PRODUCT_NOT_FOUND, MIXED_CURRENCIES, PRICE_CHANGED, IDEMPOTENCY_KEY_REUSED.
   */
  checkout: CheckoutPayload;
};


export type MutationCancelOrderArgs = {
  input: CancelOrderInput;
};


export type MutationCheckoutArgs = {
  input: CheckoutInput;
};

/** A shopper's order, priced from the catalogue at checkout. Visible only to its owner and to ADMIN. */
export type Order = {
  __typename?: 'Order';
  /** When the shopper checked out. */
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** In the order of the cart's lines. */
  lines: Array<OrderLine>;
  /** Until when the reserved stock is held for payment; after it an unpaid order expires. Null once the order is final. */
  reservationExpiresAt: Maybe<Scalars['DateTime']['output']>;
  /**
   * While the order waits for payment (AWAITING_PAYMENT, PAYMENT_FAILED): when its reservation lapses and it expires
   * unpaid, for a countdown. Null in every other status.
   */
  reservedUntil: Maybe<Scalars['DateTime']['output']>;
  status: OrderStatus;
  /** Every status the order went through, oldest first, starting with PENDING. */
  statusHistory: Array<OrderStatusChange>;
  /** Sum of the lines' totals, in the order's one currency. */
  total: Money;
};

/** A page of the caller's orders, newest first. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  edges: Array<OrderEdge>;
  pageInfo: PageInfo;
};

/** One order and its cursor. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  cursor: Scalars['String']['output'];
  node: Order;
};

/** One product of an order, at the price it had at checkout. */
export type OrderLine = {
  __typename?: 'OrderLine';
  /** quantity × unitPrice. */
  lineTotal: Money;
  /** The product subgraph resolves its fields. */
  product: Product;
  /** At least 1. */
  quantity: Scalars['Int']['output'];
  /** The catalogue price at checkout; later price changes do not touch it. */
  unitPrice: Money;
};

/** Where an order is in its lifecycle. PAID, REJECTED, EXPIRED and CANCELLED are final. */
export type OrderStatus =
  /** Every line is reserved until `reservationExpiresAt`; waiting for the shopper to pay. */
  | 'AWAITING_PAYMENT'
  /** Cancelled by its owner before paying; any reserved stock went back. */
  | 'CANCELLED'
  /** Not paid before the reservation lapsed; the stock went back. */
  | 'EXPIRED'
  /** Paid; the reserved stock left the warehouse's available count. */
  | 'PAID'
  /** The provider declined the payment; the shopper may pay again until the reservation lapses. */
  | 'PAYMENT_FAILED'
  /** A payment went to the provider; its outcome is on the way. */
  | 'PAYMENT_PROCESSING'
  /** Placed; inventory is reserving its lines. */
  | 'PENDING'
  /** Some line could not be reserved; nothing was reserved and the cart was kept. */
  | 'REJECTED';

/** One transition of an order's status. */
export type OrderStatusChange = {
  __typename?: 'OrderStatusChange';
  at: Scalars['DateTime']['output'];
  /** Why, when there is more to say than the status: e.g. which products were short, why a payment was declined. */
  reason: Maybe<Scalars['String']['output']>;
  /** The status the order entered. */
  status: OrderStatus;
};

/** One change of an order's status, as `orderStatusChanged` delivers it. */
export type OrderStatusEvent = {
  __typename?: 'OrderStatusEvent';
  at: Scalars['DateTime']['output'];
  /** The order as it is when the event is delivered. */
  order: Order;
  orderId: Scalars['ID']['output'];
  /** Why, when there is more to say than the status: e.g. which products were short, why a payment was declined. */
  reason: Maybe<Scalars['String']['output']>;
  /**
   * The change's number in the order's history: 1 for PENDING, then 2, 3 … without gaps. Pass the last one seen
   * as `afterSequence` to resume.
   */
  sequence: Scalars['Int']['output'];
  /** The status the order entered. */
  status: OrderStatus;
};

/** Relay pagination state of a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page; null on an empty page. */
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** Something the store sells. */
export type Product = {
  __typename?: 'Product';
  id: Scalars['ID']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Signed-in callers: their own orders, newest first. `first` is 1 to 100. */
  myOrders: OrderConnection;
  /** Signed-in callers. Null when no order has this id or it belongs to someone else (ADMIN sees every order). */
  order: Maybe<Order>;
};


export type QueryMyOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Signed-in owners (and ADMIN): the order's status changes, in order, each exactly once. Without `afterSequence`
   * the first event is the order's current status; the subscription completes after a final status (PAID, REJECTED,
   * EXPIRED, CANCELLED). FORBIDDEN for an order that is not the caller's or does not exist. A subscriber that falls
   * too far behind is ended with SUBSCRIBER_TOO_SLOW and may resume with `afterSequence`.
   */
  orderStatusChanged: OrderStatusEvent;
};


export type SubscriptionOrderStatusChangedArgs = {
  afterSequence?: InputMaybe<Scalars['Int']['input']>;
  orderId: Scalars['ID']['input'];
};

/** An expected failure the user can fix, returned in a mutation's payload. */
export type UserError = {
  __typename?: 'UserError';
  /** Machine-readable, SCREAMING_SNAKE_CASE (see the contract's list). */
  code: Scalars['String']['output'];
  /** Path of the offending input field, e.g. ["input", "price", "amount"], or null. */
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
  Order: Order;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Order:
    ( { __typename: 'Order' }
    & GraphQLRecursivePick<FederationTypes['Order'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  CancelOrderInput: CancelOrderInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CancelOrderPayload: ResolverTypeWrapper<Omit<CancelOrderPayload, 'order'> & { order?: Maybe<ResolversTypes['Order']> }>;
  CheckoutInput: CheckoutInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  CheckoutPayload: ResolverTypeWrapper<Omit<CheckoutPayload, 'order'> & { order?: Maybe<ResolversTypes['Order']> }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Money: ResolverTypeWrapper<MoneyEntity>;
  MoneyInput: MoneyInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Order: ResolverTypeWrapper<OrderEntity>;
  OrderConnection: ResolverTypeWrapper<Omit<OrderConnection, 'edges'> & { edges: Array<ResolversTypes['OrderEdge']> }>;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderLine: ResolverTypeWrapper<OrderLineEntity>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  OrderStatus: OrderStatus;
  OrderStatusChange: ResolverTypeWrapper<OrderStatusChangeEntity>;
  OrderStatusEvent: ResolverTypeWrapper<Omit<OrderStatusEvent, 'order'> & { order: ResolversTypes['Order'] }>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Product: ResolverTypeWrapper<Product>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UserError: ResolverTypeWrapper<UserError>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  CancelOrderInput: CancelOrderInput;
  ID: Scalars['ID']['output'];
  CancelOrderPayload: Omit<CancelOrderPayload, 'order'> & { order?: Maybe<ResolversParentTypes['Order']> };
  CheckoutInput: CheckoutInput;
  String: Scalars['String']['output'];
  CheckoutPayload: Omit<CheckoutPayload, 'order'> & { order?: Maybe<ResolversParentTypes['Order']> };
  DateTime: Scalars['DateTime']['output'];
  Money: MoneyEntity;
  MoneyInput: MoneyInput;
  Mutation: Record<PropertyKey, never>;
  Order: OrderEntity;
  OrderConnection: Omit<OrderConnection, 'edges'> & { edges: Array<ResolversParentTypes['OrderEdge']> };
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderLine: OrderLineEntity;
  Int: Scalars['Int']['output'];
  OrderStatusChange: OrderStatusChangeEntity;
  OrderStatusEvent: Omit<OrderStatusEvent, 'order'> & { order: ResolversParentTypes['Order'] };
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Product: Product;
  Query: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
  UserError: UserError;
}>;

export type CancelOrderPayloadResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['CancelOrderPayload'] = ResolversParentTypes['CancelOrderPayload']> = ResolversObject<{
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type CheckoutPayloadResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['CheckoutPayload'] = ResolversParentTypes['CheckoutPayload']> = ResolversObject<{
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MoneyResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelOrder?: Resolver<ResolversTypes['CancelOrderPayload'], ParentType, ContextType, RequireFields<MutationCancelOrderArgs, 'input'>>;
  checkout?: Resolver<ResolversTypes['CheckoutPayload'], ParentType, ContextType, RequireFields<MutationCheckoutArgs, 'input'>>;
}>;

export type OrderResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'], FederationReferenceType extends FederationReferenceTypes['Order'] = FederationReferenceTypes['Order']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['OrderLine']>, ParentType, ContextType>;
  reservationExpiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  reservedUntil?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  statusHistory?: Resolver<Array<ResolversTypes['OrderStatusChange']>, ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type OrderConnectionResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderConnection'] = ResolversParentTypes['OrderConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type OrderEdgeResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
}>;

export type OrderLineResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderLine'] = ResolversParentTypes['OrderLine']> = ResolversObject<{
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
}>;

export type OrderStatusChangeResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderStatusChange'] = ResolversParentTypes['OrderStatusChange']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
}>;

export type OrderStatusEventResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['OrderStatusEvent'] = ResolversParentTypes['OrderStatusEvent']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  order?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
  orderId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sequence?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  myOrders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, RequireFields<QueryMyOrdersArgs, 'first'>>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryOrderArgs, 'id'>>;
}>;

export type SubscriptionResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  orderStatusChanged?: SubscriptionResolver<ResolversTypes['OrderStatusEvent'], "orderStatusChanged", ParentType, ContextType, RequireFields<SubscriptionOrderStatusChangedArgs, 'orderId'>>;
}>;

export type UserErrorResolvers<ContextType = OrderContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = OrderContext> = ResolversObject<{
  CancelOrderPayload?: CancelOrderPayloadResolvers<ContextType>;
  CheckoutPayload?: CheckoutPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderLine?: OrderLineResolvers<ContextType>;
  OrderStatusChange?: OrderStatusChangeResolvers<ContextType>;
  OrderStatusEvent?: OrderStatusEventResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  UserError?: UserErrorResolvers<ContextType>;
}>;

