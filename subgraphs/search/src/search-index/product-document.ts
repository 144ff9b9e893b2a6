/**
 * The search document: one per product, denormalised from the catalogue's products,
 * categories and sellers, and the cart service's stock. Built the same way from a Debezium
 * change event (the indexer) and from a database row (the reindex tool), so both produce
 * identical documents.
 */

/** A product row as PostgreSQL and Debezium's JSON both name its columns (specs and images are not needed). */
export interface ProductRow {
  id: string;
  name: string;
  description: string;
  brand: string;
  color: string | null;
  price_minor: number;
  currency_code: string;
  category_id: string;
  seller_id: string;
  rating_count: number;
  rating_sum: number;
  /** ISO 8601. */
  created_at: string;
}

/** A category row; `parent_id` is null at the top of the tree. */
export interface CategoryRow {
  id: string;
  name: string;
  parent_id: string | null;
}

export interface SellerRow {
  id: string;
  name: string;
}

/** Where a product sits in the category tree. */
export interface CategoryLineage {
  /** Known categories from the top down to the product's own. */
  path: { id: string; name: string }[];
  /**
   * Ids of the path, plus the first ancestor not known yet (its event may still be on its
   * way): when it arrives, the products that name it here are found and completed.
   */
  ids: string[];
}

/** What Elasticsearch stores per product. Its `_id` is the product id. */
export interface ProductDocument {
  id: string;
  name: string;
  brand: string;
  description: string;
  color: string | null;
  categoryId: string;
  categoryIds: string[];
  categoryPath: { id: string; name: string }[];
  /** The path's names again, as plain text: nested fields cannot be searched by multi_match. */
  categoryNames: string[];
  sellerId: string;
  /** Null until the seller's own event has been indexed. */
  sellerName: string | null;
  priceMinor: number;
  /** The price in major units, for numeric range queries and sorts that need no exactness. */
  price: number;
  currencyCode: string;
  /** Mean rating, 0 without reviews (so "best rated first" puts unrated products last). */
  ratingAverage: number;
  ratingCount: number;
  /** At least one unit on hand and not reserved (the cart service's inventory); false when never stocked. */
  inStock: boolean;
  /** ISO 8601. */
  createdAt: string;
  suggest: { input: string[]; weight: number };
}

/** Minor units per major unit of every currency the store sells in. */
const MINOR_PER_MAJOR = 100;
/** Completion inputs: the whole name, and the name from its second, third and fourth word on. */
const SUGGEST_SUFFIXES = 3;

/** Walks up from `leafId` through the categories known so far; a cycle ends the walk. */
export function categoryLineage(leafId: string, known: ReadonlyMap<string, CategoryRow>): CategoryLineage {
  const path: { id: string; name: string }[] = [];
  const ids: string[] = [];
  const seen = new Set<string>();
  let id: string | null = leafId;
  while (id !== null && !seen.has(id)) {
    seen.add(id);
    ids.push(id);
    const category = known.get(id);
    if (!category) break;
    path.push({ id: category.id, name: category.name });
    id = category.parent_id;
  }
  return { path: path.reverse(), ids: ids.reverse() };
}

/** What the completion suggester matches a typed prefix against. */
export function suggestInputs(name: string, brand: string): string[] {
  const words = name.split(/\s+/).filter((word) => word !== '');
  const inputs = [name.trim()];
  if (!name.toLowerCase().startsWith(brand.toLowerCase())) inputs.push(`${brand} ${name.trim()}`);
  for (let i = 1; i <= SUGGEST_SUFFIXES && i < words.length; i += 1) inputs.push(words.slice(i).join(' '));
  return [...new Set(inputs.filter((input) => input !== ''))];
}

/**
 * The document for a product, given its category lineage, its seller's name (null when
 * unknown) and whether it is in stock.
 */
export function buildProductDocument(
  row: ProductRow,
  lineage: CategoryLineage,
  sellerName: string | null,
  inStock: boolean,
): ProductDocument {
  return {
    id: row.id,
    name: row.name,
    brand: row.brand,
    description: row.description,
    color: row.color,
    ...categoryFields(row.category_id, lineage),
    sellerId: row.seller_id,
    sellerName,
    priceMinor: row.price_minor,
    price: row.price_minor / MINOR_PER_MAJOR,
    currencyCode: row.currency_code.trim(),
    ratingAverage: row.rating_count > 0 ? Math.round((row.rating_sum / row.rating_count) * 100) / 100 : 0,
    ratingCount: row.rating_count,
    inStock,
    createdAt: new Date(row.created_at).toISOString(),
    // Better-reviewed products come first among equally good completions.
    suggest: { input: suggestInputs(row.name, row.brand), weight: Math.min(row.rating_count, 1_000_000) + 1 },
  };
}

/** The category part of a document, also used to re-point existing documents after a category change. */
export function categoryFields(
  categoryId: string,
  lineage: CategoryLineage,
): Pick<ProductDocument, 'categoryId' | 'categoryIds' | 'categoryPath' | 'categoryNames'> {
  return {
    categoryId,
    categoryIds: lineage.ids,
    categoryPath: lineage.path,
    categoryNames: lineage.path.map((entry) => entry.name),
  };
}
