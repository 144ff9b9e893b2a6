import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

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

const tooComplex = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });

/**
 * Rejects operations deeper or wider than the limits before any subgraph is called, so a
 * hostile query costs the router one parse and walk.
 */
export function limitsPlugin<TContext extends BaseContext>(limits: {
  maxDepth: number;
  maxFields: number;
}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (!operation) return;
          const shape = measure(document, operation);
          if (shape.depth > limits.maxDepth) {
            throw tooComplex(`The query is ${shape.depth} levels deep; the limit is ${limits.maxDepth}`);
          }
          if (shape.fields > limits.maxFields) {
            throw tooComplex(`The query selects ${shape.fields} fields; the limit is ${limits.maxFields}`);
          }
        },
      };
    },
  };
}
