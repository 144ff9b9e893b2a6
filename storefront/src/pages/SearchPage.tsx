/**
 * Search results with facets, sort and "show more" (cursor pagination). The URL holds the
 * query, the sort and every selected facet value, so a search can be shared, reloaded and
 * navigated back to. Brands and categories are multi-select: the server counts each facet
 * without its own selection, so sibling values keep their counts. Search counts categories by
 * id; their names come from the catalogue's category list (without it the facet stays hidden).
 */
import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import {
  CategoryNamesDocument,
  SearchProductsDocument,
  type ProductFilter,
  type ProductSort,
} from '../generated/graphql.ts';
import { formatMoney, formatPriceRange } from '../lib/money.ts';

const PAGE_SIZE = 24;
/** Values of a facet listed before "Show all". */
const FACET_VALUES_SHOWN = 8;

const SORTS: { value: ProductSort; label: string }[] = [
  { value: 'RELEVANCE', label: 'Relevance' },
  { value: 'PRICE_ASC', label: 'Price: low to high' },
  { value: 'PRICE_DESC', label: 'Price: high to low' },
  { value: 'NEWEST', label: 'Newest' },
  { value: 'RATING', label: 'Customer rating' },
];

/** Facets the page offers, each with its URL parameter and whether several values combine. */
const FACETS: Record<
  string,
  { param: string; title: string; multiple: boolean; label: (value: string, categories: CategoryNames) => string }
> = {
  category: {
    param: 'category',
    title: 'Category',
    multiple: true,
    label: (value, categories) => categories.get(value) ?? value,
  },
  brand: { param: 'brand', title: 'Brand', multiple: true, label: (value) => value },
  price: { param: 'price', title: 'Price', multiple: false, label: (value) => formatPriceRange(value) },
  rating: { param: 'rating', title: 'Rating', multiple: false, label: (value) => `${value}★ & up` },
  inStock: {
    param: 'stock',
    title: 'Availability',
    multiple: false,
    label: (value) => (value === 'true' ? 'In stock' : 'Out of stock'),
  },
};

type CategoryNames = ReadonlyMap<string, string>;

function filterFrom(params: URLSearchParams): ProductFilter {
  const filter: ProductFilter = {};
  const categoryIds = params.getAll('category');
  if (categoryIds.length > 0) filter.categoryIds = categoryIds;
  const brands = params.getAll('brand');
  if (brands.length > 0) filter.brands = brands;
  const price = params.get('price');
  if (price) {
    const [min, max] = price.split('..');
    if (min && min !== '*') filter.minPrice = min;
    if (max && max !== '*') filter.maxPrice = max;
  }
  const rating = Number(params.get('rating'));
  if (rating > 0) filter.minRating = rating;
  const stock = params.get('stock');
  if (stock === 'true' || stock === 'false') filter.inStock = stock === 'true';
  return filter;
}

const isSort = (value: string | null): value is ProductSort => SORTS.some((sort) => sort.value === value);

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const sortParam = params.get('sort');
  const sort: ProductSort = isSort(sortParam) ? sortParam : 'RELEVANCE';
  const filter = filterFrom(params);
  const { data, previousData, error, networkStatus, fetchMore, refetch } = useQuery(SearchProductsDocument, {
    variables: { query, first: PAGE_SIZE, filter, sort },
    notifyOnNetworkStatusChange: true,
  });
  const results = (data ?? previousData)?.searchProducts;
  const categoryList = useQuery(CategoryNamesDocument).data?.categories;
  const categories: CategoryNames = new Map((categoryList ?? []).map((category) => [category.id, category.name]));
  // Open beside the results on wide screens; folded above them on a phone.
  const [filtersOpen, setFiltersOpen] = useState(() => window.matchMedia('(min-width: 720px)').matches);
  const [allValues, setAllValues] = useState<ReadonlySet<string>>(new Set());
  const loadingMore = networkStatus === NetworkStatus.fetchMore;

  const update = (change: (next: URLSearchParams) => void): void => {
    const next = new URLSearchParams(params);
    change(next);
    setParams(next);
  };
  const toggle = (param: string, value: string, multiple: boolean): void => {
    update((next) => {
      const selected = next.getAll(param);
      next.delete(param);
      if (selected.includes(value)) {
        for (const other of selected.filter((v) => v !== value)) next.append(param, other);
      } else {
        for (const other of multiple ? selected : []) next.append(param, other);
        next.append(param, value);
      }
    });
  };

  return (
    <div className="search-page">
      <h1 className="page-title">{query ? `Results for “${query}”` : 'All products'}</h1>
      {error && !results && (
        <ErrorNotice
          error={error}
          onRetry={() => {
            void refetch().catch(() => undefined);
          }}
        />
      )}
      <div className="search-layout">
        <details
          className="facets"
          open={filtersOpen}
          onToggle={(event) => {
            setFiltersOpen(event.currentTarget.open);
          }}
        >
          <summary>Filters</summary>
          {results?.facets
            .filter((facet) => facet.field in FACETS && facet.values.length > 0)
            // Ids are no labels: the category facet waits for the names.
            .filter((facet) => facet.field !== 'category' || categories.size > 0)
            .map((facet) => {
              const spec = FACETS[facet.field];
              if (!spec) return null;
              const selected = params.getAll(spec.param);
              return (
                <fieldset key={facet.field} className="facet">
                  <legend>{spec.title}</legend>
                  {facet.values
                    // The most common values first; the long tail (and anything selected) on request.
                    .filter(
                      (value, index) =>
                        index < FACET_VALUES_SHOWN || allValues.has(facet.field) || selected.includes(value.value),
                    )
                    .map((value) => (
                      <label key={value.value} className="facet-value">
                        <input
                          type={spec.multiple ? 'checkbox' : 'radio'}
                          name={spec.param}
                          checked={selected.includes(value.value)}
                          onChange={() => {
                            toggle(spec.param, value.value, spec.multiple);
                          }}
                          onClick={(event) => {
                            // A radio button cannot be unchecked by itself: a second click clears it.
                            if (!spec.multiple && selected.includes(value.value)) {
                              event.preventDefault();
                              toggle(spec.param, value.value, false);
                            }
                          }}
                        />
                        <span>{spec.label(value.value, categories)}</span>
                        <span className="count">{value.count}</span>
                      </label>
                    ))}
                  {facet.values.length > FACET_VALUES_SHOWN && !allValues.has(facet.field) && (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        setAllValues((fields) => new Set([...fields, facet.field]));
                      }}
                    >
                      Show all {facet.values.length}
                      <span className="visually-hidden"> {spec.title.toLowerCase()} options</span>
                    </button>
                  )}
                </fieldset>
              );
            })}
        </details>
        <section
          className="results"
          aria-labelledby="results-heading"
          aria-busy={networkStatus === NetworkStatus.loading}
        >
          <div className="results-bar">
            <h2 id="results-heading" className="results-count" aria-live="polite">
              {results
                ? `${results.totalCount.toLocaleString()} ${results.totalCount === 1 ? 'product' : 'products'}`
                : error
                  ? ''
                  : 'Searching…'}
            </h2>
            <label className="sort">
              Sort by{' '}
              <select
                value={sort}
                onChange={(event) => {
                  update((next) => {
                    next.set('sort', event.target.value);
                  });
                }}
              >
                {SORTS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {results?.totalCount === 0 && <p>No products match. Try fewer filters or other words.</p>}
          <ul className="product-grid">
            {results?.edges.map(({ node }) =>
              // Null for a product deleted since the index last saw it.
              node === null ? null : (
                <li key={node.id} className="product-card">
                  <Link to={`/products/${node.id}`} className="product-link">
                    <ProductImage url={node.thumbnailUrl} alt="" name={node.name} size="thumb" />
                    <span className="product-name">{node.name}</span>
                  </Link>
                  <span className="muted small">{node.brand}</span>
                  <span className="price">{formatMoney(node.price)}</span>
                  {!node.inventory.inStock && <span className="out-of-stock">Out of stock</span>}
                </li>
              ),
            )}
          </ul>
          {results?.pageInfo.hasNextPage && (
            <button
              type="button"
              className="button-secondary show-more"
              disabled={loadingMore}
              onClick={() => {
                void fetchMore({ variables: { after: results.pageInfo.endCursor } }).catch(() => undefined);
              }}
            >
              {loadingMore ? 'Loading…' : 'Show more'}
            </button>
          )}
        </section>
      </div>
    </div>
  );
}
