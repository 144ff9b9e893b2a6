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
 * Validation has already rejected fragment cycles; `seen` guards anyway.
 */
export function measure(document: DocumentNode, operation: OperationDefinitionNode): QueryShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk = (selectionSet: SelectionSetNode, depth: number, seen: ReadonlySet<string>): QueryShape => {
    let shape: QueryShape = { depth, fields: 0 };
    for (const selection of selectionSet.selections) {
      let inner: QueryShape;
      if (selection.kind === Kind.FIELD) {
        inner = selection.selectionSet
          ? walk(selection.selectionSet, depth + 1, seen)
          : { depth: depth + 1, fields: 0 };
        inner = { depth: inner.depth, fields: inner.fields + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet, depth, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        inner = walk(fragment.selectionSet, depth, new Set([...seen, fragment.name.value]));
      }
      shape = { depth: Math.max(shape.depth, inner.depth), fields: shape.fields + inner.fields };
    }
    return shape;
  };
  return walk(operation.selectionSet, 0, new Set());
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
