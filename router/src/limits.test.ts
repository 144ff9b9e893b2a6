import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  Kind,
  NoUnusedFragmentsRule,
  buildSchema,
  isNonNullType,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { generateAssertionKeyPair } from '@emporium/auth';
import { readRouterConfig } from './config.ts';
import { ONCE_PER_OPERATION, measure, operationCost, rootFieldCounts } from './limits.ts';

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

/** Some valid value of `type`: required input fields filled, lists empty. */
function sample(type: GraphQLInputType): unknown {
  if (type instanceof GraphQLNonNull) return sample(type.ofType);
  if (type instanceof GraphQLList) return [];
  if (type instanceof GraphQLEnumType) return type.getValues()[0]?.value;
  if (type instanceof GraphQLInputObjectType) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, sample(field.type)]),
    );
  }
  return { Int: 1, Float: 1, Boolean: true }[type.name] ?? 'x';
}

/** Variables an operation accepts, every page at its largest (100). */
function largestPageVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, unknown> {
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map((definition) => {
      const name = definition.variable.name.value;
      const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
      if (!type) throw new Error(`unknown type of $${name}`);
      return [name, name === 'first' ? 100 : sample(type)];
    }),
  );
}

describe('cost', () => {
  const repo = resolve(import.meta.dirname, '..', '..');
  const schema = buildSchema(
    printSchema(Supergraph.build(readFileSync(resolve(repo, 'schema', 'supergraph.graphql'), 'utf8')).apiSchema()),
  );
  const contract = parse(readFileSync(resolve(repo, 'schema', 'contract', 'operations.graphql'), 'utf8'));
  const fragments = contract.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const everyRuleButUnusedFragments = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);
  const { maxCost } = readRouterConfig({ ROUTER_PRIVATE_KEY: generateAssertionKeyPair().privateKey }).limits;

  it('lets every contract operation through at its largest page size', () => {
    const operations = contract.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    // Operations whose types are not served yet are the supergraph test's concern (its pending list).
    const served = operations.filter(
      (operation) =>
        validate(schema, { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }, everyRuleButUnusedFragments)
          .length === 0,
    );
    expect(served.length).toBeGreaterThan(15);
    for (const operation of served) {
      const cost = operationCost(schema, contract, operation.name?.value, largestPageVariables(schema, operation));
      expect(cost, operation.name?.value).toBeLessThanOrEqual(maxCost);
    }
  });

  it('counts a page by its size: twenty aliased pages of 100 cost twenty times one', () => {
    const page = (alias: string) =>
      `${alias}: searchProducts(query: "phone", first: 100) { edges { node { id name price { amount } } } }`;
    const one = operationCost(schema, parse(`{ ${page('a')} }`), undefined, {});
    const twenty = operationCost(
      schema,
      parse(`{ ${Array.from({ length: 20 }, (_, i) => page(`a${i}`)).join(' ')} }`),
      undefined,
      {},
    );
    expect(one).toBeGreaterThan(100 * 5);
    expect(twenty).toBe(20 * one);
    expect(twenty).toBeGreaterThan(maxCost);
  });

  it('takes the page size from variables', () => {
    const document = parse('query($n: Int) { searchProducts(query: "x", first: $n) { edges { node { id } } } }');
    expect(operationCost(schema, document, undefined, { n: 100 })).toBeGreaterThan(
      10 * operationCost(schema, document, undefined, { n: 5 }),
    );
  });
});

describe('rootFieldCounts', () => {
  const counts = (source: string) => {
    const document = parse(source);
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (!operation) throw new Error('no operation');
    return Object.fromEntries(rootFieldCounts(document, operation, ONCE_PER_OPERATION));
  };

  it('counts aliases, inline fragments and fragments spread twice', () => {
    expect(
      counts(`
        mutation { a: login(input: $i) { token } b: login(input: $i) { token } ... on Mutation { login(input: $i) { token } } ...F ...F }
        fragment F on Mutation { checkout(input: $c) { order { id } } }
      `),
    ).toEqual({ login: 3, checkout: 2 });
  });

  it('ignores fields of the same name below the root', () => {
    expect(counts('{ me { login: id } }')).toEqual({});
  });
});
