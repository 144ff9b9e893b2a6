import type { Operation } from '@apollo/federation-internals';
import { applyRewrites, isObjectOfType } from '@apollo/gateway/dist/dataRewrites.js';
import { computeResponse } from '@apollo/gateway/dist/resultShaping.js';
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge.js';
import { evaluateCondition, type FetchNode, type PlanNode, type QueryPlanSelectionNode } from '@apollo/query-planner';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';

/*
 * The gateway's own result helpers (rewrites, deep merge, result shaping) come from its
 * dist files: they are not exported from the package root, and re-implementing them would
 * let subscription results drift from query results. @apollo/gateway is pinned, so the
 * paths are stable; an upgrade that moves them fails the type check and the unit tests.
 */

export type JsonObject = Record<string, unknown>;

/** One GraphQL request to a subgraph. */
export interface SubgraphRequest {
  query: string;
  operationName: string | undefined;
  variables: JsonObject;
}

/** A subgraph's answer, as it arrives over HTTP or WebSocket. */
export interface SubgraphResponse {
  data?: JsonObject | null;
  errors?: readonly GraphQLFormattedError[];
  /** What the subgraph says besides: a subscription event's `traceparent`, read by the router only. */
  extensions?: unknown;
}

/** Sends one operation to the named subgraph (over HTTP, with the caller's router assertion). */
export type SubgraphFetcher = (serviceName: string, request: SubgraphRequest) => Promise<SubgraphResponse>;

/** What completing one event needs besides the event. */
export interface CompletionContext {
  operation: Operation;
  supergraphSchema: GraphQLSchema;
  /** The client's variables. */
  variables: JsonObject;
  fetch: SubgraphFetcher;
}

/** One event, completed and shaped to the client's selection. */
export interface CompletedEvent {
  data: JsonObject | null;
  errors: GraphQLError[];
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The variables of `variableUsages`, from the client's variables (the subgraph applies defaults). */
export function pickVariables(variables: JsonObject, usages: readonly string[] | undefined): JsonObject {
  const picked: JsonObject = {};
  for (const name of usages ?? []) {
    if (Object.hasOwn(variables, name) && variables[name] !== undefined) picked[name] = variables[name];
  }
  return picked;
}

/** A subgraph's error as the client sees it: same message and code, path as the subgraph reported it. */
export function toGraphQLError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}

/**
 * Completes one event of a subscription's primary fetch: runs the plan's `rest` (the fetches
 * other subgraphs answer, usually `_entities` lookups under Flatten nodes) over the event's
 * data, exactly as the gateway runs a query plan over a query's data, then shapes the merged
 * data to the client's selection (aliases, fragments, no planner-added keys or __typename).
 * Errors of a completion fetch are reported beside the data, like the gateway does for queries.
 */
export async function completeEvent(
  primary: FetchNode,
  rest: PlanNode | undefined,
  event: SubgraphResponse,
  context: CompletionContext,
): Promise<CompletedEvent> {
  const errors = (event.errors ?? []).map(toGraphQLError);
  const data = event.data;
  if (!isObject(data)) return { data: null, errors };
  applyRewrites(context.supergraphSchema, primary.outputRewrites, data);
  if (rest) await executeNode(rest, { path: [], data }, context, errors);
  const shaped = computeResponse({
    operation: context.operation,
    variables: context.variables,
    input: data,
    // A subscription selects one root field of Subscription; __schema and __type are not on it.
    introspectionHandling: () => null,
  });
  return {
    data: isObject(shaped.data) ? shaped.data : null,
    errors: errors.length > 0 ? errors : shaped.errors,
  };
}

interface Cursor {
  path: readonly (string | number)[];
  data: unknown;
}

async function executeNode(node: PlanNode, cursor: Cursor, context: CompletionContext, errors: GraphQLError[]) {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(child, cursor, context, errors);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(child, cursor, context, errors)));
      return;
    case 'Flatten': {
      const data = flattenAtPath(cursor.data, node.path);
      if (data !== undefined && data !== null) {
        await executeNode(node.node, { path: [...cursor.path, ...node.path], data }, context, errors);
      }
      return;
    }
    case 'Condition': {
      const branch = evaluateCondition(node, context.operation.variableDefinitions, context.variables)
        ? node.ifClause
        : node.elseClause;
      if (branch) await executeNode(branch, cursor, context, errors);
      return;
    }
    case 'Fetch':
      try {
        await executeFetch(node, cursor, context, errors);
      } catch (error) {
        errors.push(
          error instanceof GraphQLError
            ? error
            : new GraphQLError('A subgraph fetch failed', { originalError: error as Error }),
        );
      }
      return;
    case 'Defer':
      throw new Error('@defer is not supported in subscriptions');
  }
}

/** The values at `path` below `value`; `@` flattens a list, as in the gateway. */
function flattenAtPath(value: unknown, path: readonly (string | number)[]): unknown {
  if (path.length === 0 || value === undefined || value === null) return value;
  const [current, ...rest] = path;
  if (current === '@') {
    return Array.isArray(value) ? value.flatMap((element: unknown) => flattenAtPath(element, rest)) : undefined;
  }
  if (!isObject(value) || typeof current !== 'string') return undefined;
  return flattenAtPath(Object.hasOwn(value, current) ? value[current] : undefined, rest);
}

async function executeFetch(fetch: FetchNode, cursor: Cursor, context: CompletionContext, errors: GraphQLError[]) {
  const entities = (Array.isArray(cursor.data) ? cursor.data : [cursor.data]).filter(isObject);
  if (entities.length === 0) return;
  const variables = pickVariables(context.variables, fetch.variableUsages);
  const send = async (extra: JsonObject): Promise<JsonObject | null | undefined> => {
    const response = await context.fetch(fetch.serviceName, {
      query: fetch.operation,
      operationName: fetch.operationName,
      variables: { ...variables, ...extra },
    });
    // Entity errors keep the subgraph's message and code; their path is the subgraph's, not the client's.
    if (response.errors) errors.push(...response.errors.map(toGraphQLError));
    return response.data;
  };

  if (!fetch.requires) {
    const received = await send({});
    if (!received) return;
    applyRewrites(context.supergraphSchema, fetch.outputRewrites, received);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }

  const representations: JsonObject[] = [];
  const owners: JsonObject[] = [];
  for (const entity of entities) {
    const representation = selectRepresentation(context.supergraphSchema, entity, fetch.requires);
    if (representation && typeof representation['__typename'] === 'string') {
      applyRewrites(context.supergraphSchema, fetch.inputRewrites, representation);
      representations.push(representation);
      owners.push(entity);
    }
  }
  if (representations.length === 0) return;
  const received = await send({ representations });
  if (!received) return;
  const found = received['_entities'];
  if (!Array.isArray(found) || found.length !== representations.length) {
    throw new Error(`${fetch.serviceName} answered _entities with the wrong shape`);
  }
  found.forEach((entity: unknown, index) => {
    const owner = owners[index];
    if (!isObject(entity) || !owner) return;
    if (entity['__typename'] === undefined) entity['__typename'] = owner['__typename'];
    applyRewrites(context.supergraphSchema, fetch.outputRewrites, entity);
    deepMerge(owner, entity);
  });
}

/** The entity's representation for `_entities`: its key (and required) fields; null when one is missing. */
export function selectRepresentation(
  schema: GraphQLSchema,
  source: unknown,
  selections: readonly QueryPlanSelectionNode[],
): JsonObject | null {
  if (!isObject(source)) return null;
  const result: JsonObject = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      const value = Object.hasOwn(source, responseName) ? source[responseName] : undefined;
      if (value === undefined) return null;
      const inner = selection.selections;
      if (Array.isArray(value)) {
        result[responseName] = inner
          ? value.map((element: unknown) => selectRepresentation(schema, element, inner))
          : value;
      } else {
        result[responseName] = inner ? selectRepresentation(schema, value, inner) : value;
      }
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      deepMerge(result, selectRepresentation(schema, source, selection.selections));
    }
  }
  return result;
}
