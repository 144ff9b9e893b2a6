import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { OrderReference as OrderReferenceEntity } from '../services/payment-view.ts';
import type { Payment as PaymentEntity } from '../entities/payment.entity.ts';
import type { Money as MoneyEntity } from '@emporium/money';
import type { PaymentContext } from '../context.ts';
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
   * Signed-in owners. Submits a payment for an order awaiting payment; the order moves to PAYMENT_PROCESSING, then
   * PAID or PAYMENT_FAILED when the provider's outcome arrives. ORDER_NOT_FOUND, ORDER_NOT_PAYABLE,
   * PAYMENT_METHOD_INVALID, PAYMENT_PROVIDER_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.
   */
  payOrder: PayOrderPayload;
};


export type MutationPayOrderArgs = {
  input: PayOrderInput;
};

/** A shopper's order; the order subgraph owns it, this subgraph adds its payment. */
export type Order = {
  __typename?: 'Order';
  id: Scalars['ID']['output'];
  /** The order's latest payment attempt, or null when it has none. Null for anyone but the order's owner and ADMIN. */
  payment: Maybe<Payment>;
};

/** Pays an order online. */
export type PayOrderInput = {
  /**
   * 1 to 128 printable characters, chosen by the client per payment attempt. Retrying with the same key returns the
   * same payment and charges once; reusing it for a different request fails with IDEMPOTENCY_KEY_REUSED. Retrying a
   * payment that failed with PAYMENT_PROVIDER_UNAVAILABLE under the same key submits it again.
   */
  idempotencyKey: Scalars['String']['input'];
  /** An order of the caller's in AWAITING_PAYMENT or PAYMENT_FAILED. */
  orderId: Scalars['ID']['input'];
  /** CARD only: the single-use token the provider returned for the card. */
  paymentMethodToken?: InputMaybe<Scalars['String']['input']>;
  paymentMode: PaymentMode;
  paymentType: PaymentType;
  /** UPI only: the virtual payment address, e.g. "success@upi". */
  upiVpa?: InputMaybe<Scalars['String']['input']>;
};

/** The submitted payment and its order, or what to fix. */
export type PayOrderPayload = {
  __typename?: 'PayOrderPayload';
  /** The order paid for (its status comes from the order subgraph). Null when it is not the caller's. */
  order: Maybe<Order>;
  /**
   * The payment attempt: PROCESSING when the provider took it; FAILED with PAYMENT_METHOD_INVALID or
   * PAYMENT_PROVIDER_UNAVAILABLE. Null for the other userErrors.
   */
  payment: Maybe<Payment>;
  /**
   * ORDER_NOT_FOUND, ORDER_NOT_PAYABLE (not awaiting payment, or a payment is already under way),
   * PAYMENT_METHOD_INVALID (missing, unknown or used token, token and VPA together, invalid VPA),
   * PAYMENT_PROVIDER_UNAVAILABLE (nothing was charged; try again), IDEMPOTENCY_KEY_REUSED.
   */
  userErrors: Array<UserError>;
};

/** One attempt to pay an order. Visible only to the order's owner and to ADMIN. */
export type Payment = {
  __typename?: 'Payment';
  /** The order's total at the time of payment. */
  amount: Money;
  /** When `payOrder` created it. */
  createdAt: Scalars['DateTime']['output'];
  /**
   * Why the payment failed, in the provider's words, e.g. "card_declined", "insufficient_funds", "upi_declined",
   * "token_already_used", "provider_unavailable". Null unless FAILED.
   */
  failureReason: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  paymentType: PaymentType;
  status: PaymentStatus;
};

/** How clients pay: where to tokenize a card and with which key. */
export type PaymentConfig = {
  __typename?: 'PaymentConfig';
  /** The payment provider's name: "emporium-pay". */
  provider: Scalars['String']['output'];
  /** Goes in `Authorization: Bearer <publishableKey>` when tokenizing; it can only create tokens. */
  publishableKey: Scalars['String']['output'];
  /** The payment types `payOrder` accepts. */
  supportedPaymentTypes: Array<PaymentType>;
  /** Where the client POSTs `{"card": {...}}` to get a single-use token for `payOrder`. */
  tokenizationUrl: Scalars['String']['output'];
};

/** When the payment is taken. */
export type PaymentMode =
  /** Now, through the payment provider; the outcome arrives asynchronously. */
  | 'ONLINE';

/**
 * Where a payment is. A payment that never reached the provider (it was unavailable) shows as FAILED with the
 * reason "provider_unavailable"; nothing was charged and the order stays payable.
 */
export type PaymentStatus =
  /** Declined, refused before it was charged, or never submitted; `failureReason` says which. */
  | 'FAILED'
  /** At the provider; its outcome is on the way. */
  | 'PROCESSING'
  /** Captured, then given back because the order had expired or been cancelled by the time the money arrived. */
  | 'REFUNDED'
  /** Captured; the order becomes PAID. */
  | 'SUCCEEDED';

/** How a shopper pays. */
export type PaymentType =
  /**
   * A card, tokenized by the client at the provider (`paymentConfig.tokenizationUrl`); card numbers never reach the
   * supergraph.
   */
  | 'CARD'
  /** A UPI virtual payment address, e.g. "success@upi". */
  | 'UPI';

export type Query = {
  __typename?: 'Query';
  /** Public. What a client needs to tokenize a card before `payOrder`. */
  paymentConfig: PaymentConfig;
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
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Money: ResolverTypeWrapper<MoneyEntity>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Order: ResolverTypeWrapper<OrderReferenceEntity>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  PayOrderInput: PayOrderInput;
  PayOrderPayload: ResolverTypeWrapper<Omit<PayOrderPayload, 'order' | 'payment'> & { order?: Maybe<ResolversTypes['Order']>, payment?: Maybe<ResolversTypes['Payment']> }>;
  Payment: ResolverTypeWrapper<PaymentEntity>;
  PaymentConfig: ResolverTypeWrapper<PaymentConfig>;
  PaymentMode: PaymentMode;
  PaymentStatus: PaymentStatus;
  PaymentType: PaymentType;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UserError: ResolverTypeWrapper<UserError>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  DateTime: Scalars['DateTime']['output'];
  Money: MoneyEntity;
  String: Scalars['String']['output'];
  Mutation: Record<PropertyKey, never>;
  Order: OrderReferenceEntity;
  ID: Scalars['ID']['output'];
  PayOrderInput: PayOrderInput;
  PayOrderPayload: Omit<PayOrderPayload, 'order' | 'payment'> & { order?: Maybe<ResolversParentTypes['Order']>, payment?: Maybe<ResolversParentTypes['Payment']> };
  Payment: PaymentEntity;
  PaymentConfig: PaymentConfig;
  Query: Record<PropertyKey, never>;
  UserError: UserError;
  Boolean: Scalars['Boolean']['output'];
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MoneyResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  payOrder?: Resolver<ResolversTypes['PayOrderPayload'], ParentType, ContextType, RequireFields<MutationPayOrderArgs, 'input'>>;
}>;

export type OrderResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'], FederationReferenceType extends FederationReferenceTypes['Order'] = FederationReferenceTypes['Order']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  payment?: Resolver<Maybe<ResolversTypes['Payment']>, ParentType, ContextType>;
}>;

export type PayOrderPayloadResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['PayOrderPayload'] = ResolversParentTypes['PayOrderPayload']> = ResolversObject<{
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  payment?: Resolver<Maybe<ResolversTypes['Payment']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
}>;

export type PaymentResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Payment'] = ResolversParentTypes['Payment']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  paymentType?: Resolver<ResolversTypes['PaymentType'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PaymentStatus'], ParentType, ContextType>;
}>;

export type PaymentConfigResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['PaymentConfig'] = ResolversParentTypes['PaymentConfig']> = ResolversObject<{
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  publishableKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  supportedPaymentTypes?: Resolver<Array<ResolversTypes['PaymentType']>, ParentType, ContextType>;
  tokenizationUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  paymentConfig?: Resolver<ResolversTypes['PaymentConfig'], ParentType, ContextType>;
}>;

export type UserErrorResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = PaymentContext> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  PayOrderPayload?: PayOrderPayloadResolvers<ContextType>;
  Payment?: PaymentResolvers<ContextType>;
  PaymentConfig?: PaymentConfigResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  UserError?: UserErrorResolvers<ContextType>;
}>;

