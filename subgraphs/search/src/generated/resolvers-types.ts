import type { GraphQLResolveInfo } from 'graphql';
import type { SearchContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** Relay pagination state of a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page; null on an empty page. */
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/**
 * Something the store sells. Search finds products; the product subgraph resolves their
 * fields (name, price, images...), so search returns references only.
 */
export type Product = {
  __typename?: 'Product';
  id: Scalars['ID']['output'];
};

/** Narrows a search. Every field is optional; given fields must all hold. */
export type ProductFilter = {
  /** Exact brand names, as the BRAND facet lists them. */
  brands?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Products in any of these categories or below them (choosing "Electronics" includes "Mobiles"). */
  categoryIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** true: only products in stock; false: only products out of stock. */
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  /** Highest price, inclusive, in the same format as `minPrice`. */
  maxPrice?: InputMaybe<Scalars['String']['input']>;
  /**
   * Lowest price, inclusive, as a non-negative decimal string with at most two places
   * (e.g. "100" or "99.99"), compared with each product's price in its own currency.
   */
  minPrice?: InputMaybe<Scalars['String']['input']>;
  /** Lowest average review rating, 0 to 5 (unrated products have none, so any value above 0 excludes them). */
  minRating?: InputMaybe<Scalars['Float']['input']>;
};

/** A page of search results with the total and the facets. */
export type ProductSearchConnection = {
  __typename?: 'ProductSearchConnection';
  edges: Array<ProductSearchEdge>;
  facets: Array<SearchFacet>;
  pageInfo: PageInfo;
  /** How many products match the query and the filter. */
  totalCount: Scalars['Int']['output'];
};

/** One search result. */
export type ProductSearchEdge = {
  __typename?: 'ProductSearchEdge';
  cursor: Scalars['String']['output'];
  /**
   * Null for a product deleted after the index last saw it: a delete reaches search within
   * about a second, and one stale hit must not fail the whole page.
   */
  node: Maybe<Product>;
};

/** Order of search results. Equal values are ordered by product id, so pages never overlap. */
export type ProductSort =
  | 'NEWEST'
  | 'PRICE_ASC'
  | 'PRICE_DESC'
  /** Highest average rating first, more reviews first among equals; unrated products last. */
  | 'RATING'
  /**
   * Best match first: name and brand count most, a phrase match ranks above scattered words.
   * Without a query (browsing), the same as NEWEST.
   */
  | 'RELEVANCE';

export type Query = {
  __typename?: 'Query';
  /**
   * Full-text search of the catalogue, typo-tolerant ("iphnoe" finds iPhone), with filters,
   * facets and sorting. An empty query browses the catalogue with the filters. The query is
   * plain text (at most 256 characters; no operators: quotes, * or AND are searched as they
   * are); `first` is 1 to 100.
   */
  searchProducts: ProductSearchConnection;
  /** Products whose name or brand starts with the prefix (at most 100 characters), best first; `first` is 1 to 20. */
  searchSuggestions: Array<SearchSuggestion>;
};


export type QuerySearchProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
  sort?: InputMaybe<ProductSort>;
};


export type QuerySearchSuggestionsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  prefix: Scalars['String']['input'];
};

/**
 * The counts of one facet. Each facet counts the products that match the query and every
 * filter except its own, so choosing one brand still shows how many products the other brands have.
 */
export type SearchFacet = {
  __typename?: 'SearchFacet';
  /**
   * What the facet counts, and what its values are:
   * "brand": brand names, usable in `filter.brands`;
   * "category": category ids, usable in `filter.categoryIds` (a product counts for its category and every parent);
   * "price": ranges "min..max" of decimal amounts ("*" when open), usable as `filter.minPrice` and `filter.maxPrice`;
   * "rating": "4", "3", "2", "1", products rated that many stars or more on average, usable as `filter.minRating`;
   * "inStock": "true" and "false", usable as `filter.inStock`.
   */
  field: Scalars['String']['output'];
  /** Values with at least one product: most products first; prices from low to high, ratings from high to low. */
  values: Array<SearchFacetValue>;
};

/** One value of a facet and how many results have it. */
export type SearchFacetValue = {
  __typename?: 'SearchFacetValue';
  count: Scalars['Int']['output'];
  /** What to show for the value: a category's name, a price range; the value itself otherwise. */
  label: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A completion for what the shopper is typing. */
export type SearchSuggestion = {
  __typename?: 'SearchSuggestion';
  /** Null for a product deleted after the index last saw it. */
  product: Maybe<Product>;
  /** The suggested product's name. */
  text: Scalars['String']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


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





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  PageInfo: ResolverTypeWrapper<PageInfo>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Product: ResolverTypeWrapper<Product>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ProductFilter: ProductFilter;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ProductSearchConnection: ResolverTypeWrapper<ProductSearchConnection>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ProductSearchEdge: ResolverTypeWrapper<ProductSearchEdge>;
  ProductSort: ProductSort;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SearchFacet: ResolverTypeWrapper<SearchFacet>;
  SearchFacetValue: ResolverTypeWrapper<SearchFacetValue>;
  SearchSuggestion: ResolverTypeWrapper<SearchSuggestion>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  PageInfo: PageInfo;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
  Product: Product;
  ID: Scalars['ID']['output'];
  ProductFilter: ProductFilter;
  Float: Scalars['Float']['output'];
  ProductSearchConnection: ProductSearchConnection;
  Int: Scalars['Int']['output'];
  ProductSearchEdge: ProductSearchEdge;
  Query: Record<PropertyKey, never>;
  SearchFacet: SearchFacet;
  SearchFacetValue: SearchFacetValue;
  SearchSuggestion: SearchSuggestion;
}>;

export type PageInfoResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type ProductSearchConnectionResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['ProductSearchConnection'] = ResolversParentTypes['ProductSearchConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ProductSearchEdge']>, ParentType, ContextType>;
  facets?: Resolver<Array<ResolversTypes['SearchFacet']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ProductSearchEdgeResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['ProductSearchEdge'] = ResolversParentTypes['ProductSearchEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  searchProducts?: Resolver<ResolversTypes['ProductSearchConnection'], ParentType, ContextType, RequireFields<QuerySearchProductsArgs, 'first' | 'query'>>;
  searchSuggestions?: Resolver<Array<ResolversTypes['SearchSuggestion']>, ParentType, ContextType, RequireFields<QuerySearchSuggestionsArgs, 'first' | 'prefix'>>;
}>;

export type SearchFacetResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['SearchFacet'] = ResolversParentTypes['SearchFacet']> = ResolversObject<{
  field?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  values?: Resolver<Array<ResolversTypes['SearchFacetValue']>, ParentType, ContextType>;
}>;

export type SearchFacetValueResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['SearchFacetValue'] = ResolversParentTypes['SearchFacetValue']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SearchSuggestionResolvers<ContextType = SearchContext, ParentType extends ResolversParentTypes['SearchSuggestion'] = ResolversParentTypes['SearchSuggestion']> = ResolversObject<{
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = SearchContext> = ResolversObject<{
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductSearchConnection?: ProductSearchConnectionResolvers<ContextType>;
  ProductSearchEdge?: ProductSearchEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SearchFacet?: SearchFacetResolvers<ContextType>;
  SearchFacetValue?: SearchFacetValueResolvers<ContextType>;
  SearchSuggestion?: SearchSuggestionResolvers<ContextType>;
}>;

