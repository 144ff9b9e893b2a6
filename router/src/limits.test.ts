import { describe, expect, it } from 'vitest';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { measure } from './limits.ts';

const shapeOf = (source: string) => {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  return measure(document, operation);
};

describe('measure', () => {
  it('counts depth and fields of a plain query', () => {
    expect(shapeOf('{ me { id displayName } }')).toEqual({ depth: 2, fields: 3 });
  });

  it('expands fragments where they are spread, each time', () => {
    const shape = shapeOf(`
      query { a: product(id: "1") { ...P } b: product(id: "2") { ...P } }
      fragment P on Product { id seller { id name } }
    `);
    // Per alias: the product field itself, id, seller, and seller.id and seller.name.
    expect(shape).toEqual({ depth: 3, fields: 2 * (1 + 1 + 1 + 2) });
  });

  it('does not count inline fragments as a level', () => {
    expect(shapeOf('{ node { ... on Product { id } } }')).toEqual({ depth: 2, fields: 2 });
  });

  it('measures a deeply nested query by its deepest branch', () => {
    const nested = 'a { '.repeat(20) + 'id' + ' }'.repeat(20);
    expect(shapeOf(`{ ${nested} }`).depth).toBe(21);
  });

  it('measures spreads that double at every level without walking them all', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Query { __typename }`
        : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    );
    const started = performance.now();
    const shape = shapeOf(`query { ...F0 } ${fragments.join(' ')}`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(shape).toEqual({ depth: 1, fields: 2 ** (levels - 1) });
  });
});
