import type { Client, estypes } from '@emporium/elasticsearch';
import type { Logger } from '@emporium/logging';
import { bulkWrite, externalVersion } from '../search-index/bulk.ts';
import {
  buildProductDocument,
  categoryFields,
  categoryLineage,
  type CategoryLineage,
  type CategoryRow,
  type ProductDocument,
} from '../search-index/product-document.ts';
import { writeTargets, type IndexNames } from '../search-index/products-index.ts';
import { readSideDocuments, type SideDocument } from '../search-index/side-documents.ts';
import {
  isInStock,
  noStock,
  readStock,
  settleInStock,
  type StockRow,
  type WrittenProduct,
} from '../search-index/stock.ts';
import {
  firstLsnPerRow,
  latestPerRow,
  type ChangeEvent,
  type RowTypes,
  type SourceTable,
} from '../events/catalogue-change.event.ts';

/** What applying one batch of changes did. */
export interface ApplyOutcome {
  written: number;
  /** Changes older than what the index already holds, left alone. */
  stale: number;
  /**
   * Product documents rewritten because a category, seller or stock level they show changed
   * (or, for product changes, because the stock changed while they were being written).
   */
  propagated: number;
}

/** A batch of one table's changes (a Kafka batch holds one partition of one topic). */
export type TableChanges = {
  [T in SourceTable]: { table: T; events: readonly ChangeEvent<RowTypes[T]>[] };
}[SourceTable];

/** Category paths deeper than this are treated as cycles. */
const MAX_CATEGORY_DEPTH = 32;
/** Product documents rewritten per bulk request when a category or seller changes. */
const PROPAGATION_PAGE = 500;

const unique = (values: Iterable<string>): string[] => [...new Set(values)];

/**
 * Turns catalogue and stock changes into product documents.
 *
 * Product changes are written with their WAL position as external version (`external_gte`,
 * so a replay of the same change is harmless), so an older change never overwrites a newer
 * one, whatever order they arrive in. Categories, sellers and stock levels are kept in side
 * indices under the same rule; when one changes what products show, the products that show
 * it are searched and rewritten with their own current version, so a rename or a sell-out
 * reaches them without losing a product change. Each write goes to every target alias (the
 * live index and one being rebuilt).
 */
export class CatalogueIndexer {
  readonly #client: Client;
  readonly #names: IndexNames;
  readonly #logger: Logger;

  constructor(options: { client: Client; names: IndexNames; logger: Logger }) {
    this.#client = options.client;
    this.#names = options.names;
    this.#logger = options.logger;
  }

  /** Applies one table's changes; rejects when Elasticsearch did not take them all. */
  async apply(changes: TableChanges): Promise<ApplyOutcome> {
    switch (changes.table) {
      case 'products':
        return this.#applyProducts(changes.events);
      case 'categories':
        return this.#applySideChanges('categories', changes.events, (before, after) => {
          return before.name !== after.name || before.parent_id !== after.parent_id;
        });
      case 'sellers':
        return this.#applySideChanges('sellers', changes.events, (before, after) => before.name !== after.name);
      case 'inventory':
        return this.#applyStock(changes.events);
    }
  }

  async #targets(): Promise<string[]> {
    const targets = await writeTargets(this.#client, this.#names);
    if (targets.length === 0) throw new Error(`no index behind the alias ${this.#names.alias}: run ensureIndex first`);
    return targets;
  }

  async #applyProducts(events: readonly ChangeEvent<RowTypes['products']>[]): Promise<ApplyOutcome> {
    const latest = latestPerRow(events);
    const rows = latest.flatMap((event) => (event.row ? [event.row] : []));
    const [lineages, sellers, stock, targets] = await Promise.all([
      this.categoryLineages(rows.map((row) => row.category_id)),
      this.#sideDocuments('sellers', unique(rows.map((row) => row.seller_id))),
      readStock(
        this.#client,
        this.#names.stock,
        rows.map((row) => row.id),
      ),
      this.#targets(),
    ]);
    const operations: NonNullable<estypes.BulkRequest['operations']> = [];
    const written: WrittenProduct[] = [];
    for (const target of targets) {
      for (const event of latest) {
        const meta = { _index: target, _id: event.id, ...externalVersion(event.lsn) };
        if (!event.row) {
          operations.push({ delete: meta });
          continue;
        }
        const lineage = lineages.get(event.row.category_id) ?? { path: [], ids: [event.row.category_id] };
        const seller = sellers.get(event.row.seller_id)?.row.name ?? null;
        const document = buildProductDocument(event.row, lineage, seller, isInStock(stock.get(event.id)?.row));
        operations.push({ index: meta }, document);
        written.push({ index: target, version: event.lsn, document });
      }
    }
    const outcome = await bulkWrite(this.#client, operations, { requireAlias: true });
    const propagated = await settleInStock(this.#client, this.#names.stock, written, {
      requireAlias: true,
      logger: this.#logger,
    });
    return { ...outcome, propagated };
  }

  /**
   * Stock levels: keep the stock side index current, then rewrite the products whose
   * in-stock flag flipped, or that it has not seen before. Most changes are reservations and
   * releases that leave a product in stock: they cost the side-index write alone. A batch
   * holding a change the side index already has is a replay, whose earlier attempt may have
   * stopped before reaching the product: it is propagated again.
   */
  async #applyStock(events: readonly ChangeEvent<StockRow>[]): Promise<ApplyOutcome> {
    const index = this.#names.stock;
    const latest = latestPerRow(events);
    const first = firstLsnPerRow(events);
    const current = await readStock(
      this.#client,
      index,
      latest.map((event) => event.id),
    );
    const operations: NonNullable<estypes.BulkRequest['operations']> = [];
    const flipped: string[] = [];
    let stale = 0;
    for (const event of latest) {
      const existing = current.get(event.id);
      if (existing && existing.version > event.lsn) {
        stale += 1;
        continue;
      }
      const row = event.row ?? noStock(event.id);
      operations.push({ index: { _index: index, _id: event.id, ...externalVersion(event.lsn) } }, row);
      const replayed = existing !== undefined && existing.version >= (first.get(event.id) ?? event.lsn);
      if (!existing || replayed || isInStock(existing.row) !== isInStock(row)) flipped.push(event.id);
    }
    const outcome = await bulkWrite(this.#client, operations);
    const propagated = await this.#propagate('id', flipped, async (documents) => {
      const stock = await readStock(
        this.#client,
        index,
        documents.map((document) => document.id),
      );
      return documents.map((document) => ({ ...document, inStock: isInStock(stock.get(document.id)?.row) }));
    });
    if (propagated > 0) this.#logger.debug({ rows: flipped.length, products: propagated }, 'stock propagated');
    return { written: outcome.written, stale: stale + outcome.stale, propagated };
  }

  /**
   * Categories and sellers: keep the side index current, then rewrite the products that
   * show a row that changed. A row whose side document already holds exactly this change
   * is propagated again: the earlier attempt may have stopped before reaching every product.
   */
  async #applySideChanges<T extends 'categories' | 'sellers'>(
    table: T,
    events: readonly ChangeEvent<RowTypes[T]>[],
    differs: (before: RowTypes[T], after: RowTypes[T]) => boolean,
  ): Promise<ApplyOutcome> {
    const index = this.#names[table];
    const latest = latestPerRow(events);
    const current = await this.#sideDocuments(
      table,
      latest.map((event) => event.id),
    );
    const operations: NonNullable<estypes.BulkRequest['operations']> = [];
    const changed: string[] = [];
    let stale = 0;
    for (const event of latest) {
      const existing = current.get(event.id);
      if (existing && existing.version > event.lsn) {
        stale += 1;
        continue;
      }
      const meta = { _index: index, _id: event.id, ...externalVersion(event.lsn) };
      // A deleted category or seller has no products left (foreign keys), so nothing to propagate.
      if (!event.row) {
        operations.push({ delete: meta });
        continue;
      }
      operations.push({ index: meta }, event.row);
      if (!existing || existing.version === event.lsn || differs(existing.row, event.row)) changed.push(event.id);
    }
    const outcome = await bulkWrite(this.#client, operations);
    const propagated =
      table === 'categories'
        ? await this.#propagate('categoryIds', changed, async (documents) => {
            const lineages = await this.categoryLineages(documents.map((document) => document.categoryId));
            return documents.map((document) => ({
              ...document,
              ...categoryFields(
                document.categoryId,
                lineages.get(document.categoryId) ?? { path: [], ids: [document.categoryId] },
              ),
            }));
          })
        : await this.#propagate('sellerId', changed, async (documents) => {
            const sellers = await this.#sideDocuments(
              'sellers',
              unique(documents.map((document) => document.sellerId)),
            );
            return documents.map((document) => ({
              ...document,
              sellerName: sellers.get(document.sellerId)?.row.name ?? null,
            }));
          });
    if (propagated > 0) this.#logger.info({ table, rows: changed.length, products: propagated }, 'propagated');
    return { written: outcome.written, stale: stale + outcome.stale, propagated };
  }

  /**
   * Rewrites every product document whose `field` holds one of `ids`, in each target. The
   * index is refreshed first so that every product written before this change is found;
   * products written after it read the side index (real-time gets; for stock, once more
   * after the write: see settleInStock) and are already right.
   * Each document is written back with the version it was read at: if a product change
   * lands in between, the rewrite loses (a conflict), and that change already saw the new state.
   */
  async #propagate(
    field: 'id' | 'categoryIds' | 'sellerId',
    ids: readonly string[],
    rebuild: (documents: ProductDocument[]) => Promise<ProductDocument[]>,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    let rewritten = 0;
    for (const target of await this.#targets()) {
      await this.#client.indices.refresh({ index: target });
      let after: estypes.SortResults | undefined;
      for (;;) {
        const page = await this.#client.search<ProductDocument>({
          index: target,
          size: PROPAGATION_PAGE,
          query: { terms: { [field]: [...ids] } },
          sort: [{ id: 'asc' }],
          version: true,
          ...(after ? { search_after: after } : {}),
        });
        const hits = page.hits.hits.filter((hit) => hit._source !== undefined && hit._version !== undefined);
        if (hits.length === 0) break;
        const documents = await rebuild(hits.map((hit) => hit._source as ProductDocument));
        const operations = documents.flatMap((document, i) => [
          { index: { _index: target, _id: document.id, ...externalVersion(hits[i]?._version ?? 0) } },
          document,
        ]);
        rewritten += (await bulkWrite(this.#client, operations, { requireAlias: true })).written;
        after = page.hits.hits.at(-1)?.sort;
        if (page.hits.hits.length < PROPAGATION_PAGE || !after) break;
      }
    }
    return rewritten;
  }

  /**
   * The lineage of each category, read from the side index with real-time gets (so what
   * this process or another just wrote counts), one round trip per level of the tree.
   */
  async categoryLineages(categoryIds: readonly string[]): Promise<Map<string, CategoryLineage>> {
    const leaves = unique(categoryIds);
    const known = new Map<string, CategoryRow>();
    let pending = leaves;
    for (let depth = 0; pending.length > 0 && depth < MAX_CATEGORY_DEPTH; depth += 1) {
      const found = await this.#sideDocuments('categories', pending);
      for (const [id, { row }] of found) known.set(id, row);
      pending = unique(
        [...found.values()].flatMap(({ row }) => (row.parent_id && !known.has(row.parent_id) ? [row.parent_id] : [])),
      );
    }
    return new Map(leaves.map((id) => [id, categoryLineage(id, known)]));
  }

  /** Side documents by id, with the version (WAL position) each holds; missing ids are absent. */
  #sideDocuments<K extends 'categories' | 'sellers'>(
    kind: K,
    ids: readonly string[],
  ): Promise<Map<string, SideDocument<RowTypes[K]>>> {
    return readSideDocuments<RowTypes[K]>(this.#client, this.#names[kind], ids);
  }
}
