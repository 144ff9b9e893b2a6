/**
 * The product index and its companions. Products live in versioned indices
 * (`<alias>-v<timestamp>`) behind the alias that searches and writes use, so a rebuild fills
 * a fresh index and swaps the alias atomically. While a rebuild runs, its index also carries
 * `<alias>-next`, and the indexer writes every change to both. Category and seller state the
 * indexer needs lives in two small side indices, so it survives restarts.
 *
 * Only the server's core analysis is available here (no analysis-common, no mapper-extras):
 * standard analysis, lowercase and shingle filters, and a completion field for suggestions.
 */
import { errors, type Client, type estypes } from '@emporium/elasticsearch';

/** Every name derived from the alias. */
export interface IndexNames {
  /** What searches read and the indexer writes to. */
  alias: string;
  /** Carried by the index a rebuild is filling; the indexer writes there too. */
  next: string;
  categories: string;
  sellers: string;
  /** The cart service's stock per product: whether each product is in stock. */
  stock: string;
  /** A fresh versioned index name. */
  versioned(now?: number): string;
  isVersioned(index: string): boolean;
}

export function indexNames(alias: string): IndexNames {
  const versionedName = new RegExp(`^${alias.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}-v\\d+$`);
  return {
    alias,
    next: `${alias}-next`,
    categories: `${alias}-categories`,
    sellers: `${alias}-sellers`,
    stock: `${alias}-stock`,
    versioned: (now = Date.now()) => `${alias}-v${now}`,
    isVersioned: (index) => versionedName.test(index),
  };
}

const keyword = { type: 'keyword' } as const;
const textWithKeyword = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } } as const;

/** Settings of a product index: one shard and no replica suit a single local node. */
export const PRODUCT_INDEX_SETTINGS: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  number_of_replicas: 0,
  // A change is searchable at the next refresh: the freshness target (commit → searchable
  // p99 ≤ 1 s) leaves ~0.3 s for CDC and the bulk write, so the wait for a refresh must stay
  // well under the rest. A refresh with nothing written is a no-op, and a shard no one has
  // searched for 30 s skips them, so the shorter interval costs only under writes.
  refresh_interval: '500ms',
  // A delete's version is remembered this long, so an older event replayed after a
  // restart cannot bring a deleted product back (the default is 60 s).
  gc_deletes: '1h',
  analysis: {
    filter: {
      word_pairs: { type: 'shingle', min_shingle_size: 2, max_shingle_size: 3, output_unigrams: false },
    },
    analyzer: {
      // Adjacent words as single terms: a name with the query's words in order scores higher.
      shingles: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'word_pairs'] },
    },
  },
};

/** Mappings of a product index; strict, so a document of the wrong shape fails loudly. */
export const PRODUCT_INDEX_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    name: {
      type: 'text',
      fields: { shingles: { type: 'text', analyzer: 'shingles' }, keyword: { type: 'keyword', ignore_above: 256 } },
    },
    brand: textWithKeyword,
    description: { type: 'text' },
    color: textWithKeyword,
    categoryId: keyword,
    categoryIds: keyword,
    // Nested, so the category facet can pair each id with its own name.
    categoryPath: { type: 'nested', properties: { id: keyword, name: keyword } },
    categoryNames: { type: 'text' },
    sellerId: keyword,
    sellerName: textWithKeyword,
    priceMinor: { type: 'long' },
    price: { type: 'double' },
    currencyCode: keyword,
    ratingAverage: { type: 'double' },
    ratingCount: { type: 'integer' },
    inStock: { type: 'boolean' },
    createdAt: { type: 'date' },
    // The standard analyzer keeps digits ("iphone 15"), which the default simple one drops.
    suggest: { type: 'completion', analyzer: 'standard', max_input_length: 100 },
  },
};

const SIDE_INDEX_SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0 };

/** The side indices: the rows product documents are built from besides the product's own. */
export const SIDE_INDICES = ['categories', 'sellers', 'stock'] as const;

const integer = { type: 'integer' } as const;

const SIDE_INDEX_MAPPINGS: Record<(typeof SIDE_INDICES)[number], estypes.MappingTypeMapping> = {
  categories: { dynamic: 'strict', properties: { id: keyword, name: keyword, parent_id: keyword } },
  sellers: { dynamic: 'strict', properties: { id: keyword, name: keyword } },
  stock: { dynamic: 'strict', properties: { product_id: keyword, on_hand: integer, reserved: integer } },
};

const alreadyExists = (error: unknown): boolean =>
  error instanceof errors.ResponseError && JSON.stringify(error.body).includes('resource_already_exists_exception');

/** Creates a versioned product index carrying `aliases`; `overrides` change settings, e.g. for a bulk load. */
export async function createProductIndex(
  client: Client,
  index: string,
  aliases: readonly string[],
  overrides: estypes.IndicesIndexSettings = {},
): Promise<void> {
  await client.indices.create({
    index,
    settings: { ...PRODUCT_INDEX_SETTINGS, ...overrides },
    mappings: PRODUCT_INDEX_MAPPINGS,
    aliases: Object.fromEntries(aliases.map((alias) => [alias, {}])),
  });
}

/** Creates the category, seller and stock side indices when missing. */
export async function ensureSideIndices(client: Client, names: IndexNames): Promise<void> {
  for (const kind of SIDE_INDICES) {
    if (await client.indices.exists({ index: names[kind] })) continue;
    try {
      await client.indices.create({
        index: names[kind],
        settings: SIDE_INDEX_SETTINGS,
        mappings: SIDE_INDEX_MAPPINGS[kind],
      });
    } catch (error) {
      if (!alreadyExists(error)) throw error;
    }
  }
}

/**
 * Makes sure there is something to write to: the first versioned index behind the alias
 * when none exists, and the side indices. Returns the index it created, if any.
 */
export async function ensureIndex(client: Client, names: IndexNames): Promise<string | undefined> {
  await ensureSideIndices(client, names);
  if (await client.indices.existsAlias({ name: names.alias })) {
    // An index made by an earlier release refreshes as it was told then; the interval is a
    // dynamic setting, so the live index follows this release's without a rebuild.
    await client.indices.putSettings({
      index: names.alias,
      settings: { refresh_interval: PRODUCT_INDEX_SETTINGS.refresh_interval },
    });
    return undefined;
  }
  const index = names.versioned();
  await createProductIndex(client, index, [names.alias]);
  return index;
}

/** The versioned indices and the aliases each carries. */
export async function versionedIndices(client: Client, names: IndexNames): Promise<Map<string, string[]>> {
  const response = await client.indices.getAlias({ index: `${names.alias}-v*` });
  return new Map(
    Object.entries(response)
      .filter(([index]) => names.isVersioned(index))
      .map(([index, entry]) => [index, Object.keys(entry.aliases)]),
  );
}

/**
 * The aliases every product write goes to: the live one, and the one of an index being
 * rebuilt, if any. Read per batch, so a rebuild that starts is noticed at the next batch.
 */
export async function writeTargets(client: Client, names: IndexNames): Promise<string[]> {
  const carried = new Set([...(await versionedIndices(client, names)).values()].flat());
  return [names.alias, names.next].filter((alias) => carried.has(alias));
}
