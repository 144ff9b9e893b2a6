import { Supergraph, operationFromDocument, type Operation } from '@apollo/federation-internals';
import { QueryPlanner, type SubscriptionNode } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';

/** A client subscription as the router executes it: the subgraph stream, then what other subgraphs add. */
export interface PlannedSubscription {
  /** The operation over the API schema; it shapes each completed event to the client's selection. */
  operation: Operation;
  /** `primary` is the fetch that subscribes to the owning subgraph; `rest` completes each of its events. */
  node: SubscriptionNode;
}

/** Distinct subscription documents whose plans are kept; clients send a handful, so this bounds abuse only. */
const PLAN_CACHE_SIZE = 1000;

/**
 * Plans subscriptions over the same supergraph the gateway serves (it is built from the SDL
 * the gateway loaded), with the same query planner the gateway uses for queries. The
 * gateway plans subscriptions but cannot execute them; the router does that itself.
 */
export class SubscriptionPlanner {
  readonly #supergraph: Supergraph;
  readonly #planner: QueryPlanner;
  readonly #apiSchema: ReturnType<Supergraph['apiSchema']>;
  readonly #urls: ReadonlyMap<string, string>;
  readonly #plans = new LRUCache<string, PlannedSubscription>({ max: PLAN_CACHE_SIZE });
  /** The supergraph schema (join directives included), which entity representations are read against. */
  readonly supergraphSchema: GraphQLSchema;

  /** `urlOverrides` are the router's SUBGRAPH_<NAME>_URL settings; otherwise the composed URLs apply. */
  constructor(supergraphSdl: string, urlOverrides: Readonly<Record<string, string>>) {
    this.#supergraph = Supergraph.build(supergraphSdl);
    this.#planner = new QueryPlanner(this.#supergraph);
    this.#apiSchema = this.#supergraph.apiSchema();
    this.supergraphSchema = this.#supergraph.schema.toGraphQLJSSchema();
    this.#urls = new Map(
      this.#supergraph.subgraphsMetadata().map(({ name, url }) => [name, urlOverrides[name] ?? url] as const),
    );
  }

  /**
   * Plans a document already validated against the API schema; throws when it is not a
   * subscription. Planning costs milliseconds and every tab of a shop subscribes with the
   * same few documents, so plans are kept by query text and operation name, as the gateway
   * keeps its query plans. A plan is only read when events are completed, so one serves many.
   */
  plan(document: DocumentNode, operationName: string | undefined, query: string): PlannedSubscription {
    const key = `${operationName ?? ''}\u0000${query}`;
    const cached = this.#plans.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(this.#apiSchema, document, { operationName, validate: false });
    const plan = this.#planner.buildQueryPlan(operation);
    if (plan.node?.kind !== 'Subscription') throw new Error('The operation did not plan as a subscription');
    const planned = { operation, node: plan.node };
    this.#plans.set(key, planned);
    return planned;
  }

  /** The HTTP URL of a subgraph's GraphQL endpoint. */
  subgraphUrl(name: string): string {
    const url = this.#urls.get(name);
    if (url === undefined) throw new Error(`No URL for subgraph ${name}`);
    return url;
  }
}
