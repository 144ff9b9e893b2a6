import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { GraphQLSchema } from 'graphql';

export interface QueryShape {
  /** Deepest chain of nested fields (a top-level field is depth 1). */
  depth: number;
  /** Fields the operation selects once fragments are expanded, counted per occurrence. */
  fields: number;
}

/**
 * Measures an operation as it will execute: fragments expanded where they are spread.
 * Each fragment is measured once and its shape reused wherever it is spread, so a document
 * whose spreads double at every level costs linear work, not exponential. Validation has
 * already rejected fragment cycles; an unfinished fragment in `measuring` guards anyway.
 */
export function measure(document: DocumentNode, operation: OperationDefinitionNode): QueryShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  /** Shapes relative to where a fragment is spread: depth below it, fields inside it. */
  const measured = new Map<string, QueryShape>();
  const measuring = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): QueryShape => {
    let shape: QueryShape = { depth: 0, fields: 0 };
    for (const selection of selectionSet.selections) {
      let inner: QueryShape;
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? walk(selection.selectionSet) : { depth: 0, fields: 0 };
        inner = { depth: below.depth + 1, fields: below.fields + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || measuring.has(name)) continue;
        let known = measured.get(name);
        if (!known) {
          measuring.add(name);
          known = walk(fragment.selectionSet);
          measuring.delete(name);
          measured.set(name, known);
        }
        inner = known;
      }
      shape = { depth: Math.max(shape.depth, inner.depth), fields: shape.fields + inner.fields };
    }
    return shape;
  };
  return walk(operation.selectionSet);
}

/**
 * A list field's cost is what one item costs times how many it may return: `first` (given,
 * from a variable, or the argument's default), so 20 aliased pages of 100 cost 20 × 100
 * items and a page of 5 costs 5. Fields without `first` cost 1 plus what they select.
 */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first: unknown = args['first'];
  if (typeof first !== 'number') return undefined;
  return 1 + Math.max(first, 1) * childComplexity;
};

/** What running `operation` of `document` would cost, by the estimators above. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): number {
  return getComplexity({
    schema,
    query: document,
    ...(operationName ? { operationName } : {}),
    variables: variables ?? {},
    estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
}

/**
 * Root fields that do expensive or guessable work (a password hash, a stock reservation, a
 * charge): one of them per operation, so aliases cannot multiply a rate limit's worth of
 * guesses or orders into one request.
 */
export const ONCE_PER_OPERATION: ReadonlySet<string> = new Set(['login', 'register', 'checkout', 'payOrder']);

/** How often each of `names` is selected at the root of `operation`, aliases and fragments included. */
export function rootFieldCounts(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  names: ReadonlySet<string>,
): Map<string, number> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (names.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else {
        // A fragment spread twice at the root runs its fields twice, so it counts twice;
        // `seen` only stops a (validation-rejected) cycle.
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        seen.add(fragment.name.value);
        walk(fragment.selectionSet);
        seen.delete(fragment.name.value);
      }
    }
  };
  walk(operation.selectionSet);
  return counts;
}

const tooComplex = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });

/**
 * Rejects operations deeper, wider or costlier than the limits, or running a
 * once-per-operation field twice, before any subgraph is called, so a hostile query costs
 * the router one parse and a few walks.
 */
export function limitsPlugin<TContext extends BaseContext>(limits: {
  maxDepth: number;
  maxFields: number;
  maxCost: number;
}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request }) {
          if (!operation) return;
          for (const [name, count] of rootFieldCounts(document, operation, ONCE_PER_OPERATION)) {
            if (count > 1) throw tooComplex(`An operation may run \`${name}\` once; this one runs it ${count} times`);
          }
          const shape = measure(document, operation);
          if (shape.depth > limits.maxDepth) {
            throw tooComplex(`The query is ${shape.depth} levels deep; the limit is ${limits.maxDepth}`);
          }
          if (shape.fields > limits.maxFields) {
            throw tooComplex(`The query selects ${shape.fields} fields; the limit is ${limits.maxFields}`);
          }
          let cost: number;
          try {
            cost = operationCost(schema, document, operation.name?.value, request.variables);
          } catch (error) {
            // Variables that do not fit the operation: execution refuses them with its own clear error.
            if (error instanceof GraphQLError) return;
            throw error;
          }
          if (cost > limits.maxCost) {
            throw tooComplex(
              `The query costs ${cost} (list sizes times what each item selects); the limit is ${limits.maxCost}`,
            );
          }
        },
      };
    },
  };
}
