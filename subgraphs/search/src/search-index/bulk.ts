import type { Client, estypes } from '@emporium/elasticsearch';
import { DependencyUnavailable } from '@emporium/graphql-server';

/** What one bulk request did. */
export interface BulkOutcome {
  written: number;
  /** Refused because the document already holds a newer version: an older or replayed change. */
  stale: number;
}

/** The `version` and `version_type` of a write ordered by the change's source position. */
export const externalVersion = (version: number) => ({ version, version_type: 'external_gte' as const });

/**
 * Sends one bulk request and checks every item. Version conflicts are expected (an older
 * change arriving after a newer one) and so is deleting a document that is not there;
 * anything else fails the whole call, so the caller does not commit and the batch is retried.
 * Items refused for overload (429) or a server fault (5xx) fail it as the cluster's outage,
 * not the documents' fault, so no document is dead-lettered for them.
 */
export async function bulkWrite(
  client: Client,
  operations: NonNullable<estypes.BulkRequest['operations']>,
  options: { requireAlias?: boolean } = {},
): Promise<BulkOutcome> {
  if (operations.length === 0) return { written: 0, stale: 0 };
  // require_alias: a write to an alias a rebuild just removed must fail, not auto-create an index of that name.
  const response = await client.bulk({ operations, require_alias: options.requireAlias ?? false });
  const outcome: BulkOutcome = { written: 0, stale: 0 };
  if (!response.errors) {
    outcome.written = response.items.length;
    return outcome;
  }
  const failures: string[] = [];
  let overloaded = false;
  for (const item of response.items) {
    const [action, result] = Object.entries(item)[0] as [string, estypes.BulkResponseItem];
    if (!result.error) outcome.written += 1;
    else if (result.status === 409) outcome.stale += 1;
    else if (action === 'delete' && result.status === 404) outcome.written += 1;
    else {
      overloaded ||= result.status === 429 || result.status >= 500;
      failures.push(
        `${action} ${result._index}/${result._id ?? ''}: ${result.error.type} ${result.error.reason ?? ''}`,
      );
    }
  }
  if (failures.length > 0) {
    const summary = `bulk write failed for ${failures.length} item(s): ${failures.slice(0, 5).join('; ')}`;
    if (overloaded) throw new DependencyUnavailable('elasticsearch', summary);
    throw new Error(summary);
  }
  return outcome;
}
