import type { Client } from '@emporium/elasticsearch';

/** A row of a side index and the version (WAL position of its last change) it holds. */
export interface SideDocument<T> {
  row: T;
  version: number;
}

/**
 * Side documents by id, read with real-time gets so that what this process or another just
 * wrote counts, refreshed or not. Ids without a document are absent from the map.
 */
export async function readSideDocuments<T>(
  client: Client,
  index: string,
  ids: readonly string[],
): Promise<Map<string, SideDocument<T>>> {
  if (ids.length === 0) return new Map();
  const response = await client.mget<T>({ index, ids: [...ids], realtime: true });
  const found = new Map<string, SideDocument<T>>();
  for (const doc of response.docs) {
    if ('error' in doc) throw new Error(`reading ${index}/${doc._id}: ${doc.error.type} ${doc.error.reason ?? ''}`);
    if (doc.found && doc._source !== undefined) found.set(doc._id, { row: doc._source, version: doc._version ?? 0 });
  }
  return found;
}
