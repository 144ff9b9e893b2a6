import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { completeEvent, type SubgraphRequest, type SubgraphResponse } from './plan-executor.ts';
import { SubscriptionPlanner } from './subscription-planner.ts';

const SUPERGRAPH = readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
const planner = new SubscriptionPlanner(SUPERGRAPH, { product: 'http://product.test/graphql' });

/** The contract's shape, with an alias and a fragment, to see the client's selection come back exactly. */
const QUERY = `
  subscription Track($orderId: ID!) {
    change: orderStatusChanged(orderId: $orderId) {
      orderId
      status
      order { id lines { quantity product { ...Named } } }
    }
  }
  fragment Named on Product { id title: name }
`;
const DOCUMENT = parse(QUERY);

const event = (products: string[]): SubgraphResponse => ({
  data: {
    change: {
      orderId: 'o1',
      status: 'PAID',
      order: {
        id: 'o1',
        lines: products.map((id) => ({ quantity: 1, product: { __typename: 'Product', id } })),
      },
    },
  },
});

describe('subscription plans', () => {
  it('plans a document once and serves its plan to every later subscription', () => {
    const first = planner.plan(DOCUMENT, 'Track', QUERY);
    expect(planner.plan(parse(QUERY), 'Track', QUERY)).toBe(first);
    const other = `subscription Other($orderId: ID!) { orderStatusChanged(orderId: $orderId) { status } }`;
    expect(planner.plan(parse(other), 'Other', other)).not.toBe(first);
  });

  it('subscribes to the owning subgraph and completes product fields from the product subgraph', () => {
    const { node } = planner.plan(DOCUMENT, 'Track', QUERY);
    expect(node.primary.serviceName).toBe('order');
    expect(node.primary.operationKind).toBe('subscription');
    expect(node.primary.variableUsages).toEqual(['orderId']);
    expect(JSON.stringify(node.rest)).toContain('"serviceName":"product"');
    expect(planner.subgraphUrl('product')).toBe('http://product.test/graphql');
    expect(planner.subgraphUrl('order')).toMatch(/^http:\/\/.+\/graphql$/);
  });
});

describe('completeEvent', () => {
  it('fetches the entities the event lacks and answers exactly the client selection', async () => {
    const planned = planner.plan(DOCUMENT, 'Track', QUERY);
    const calls: { service: string; request: SubgraphRequest }[] = [];
    const completed = await completeEvent(planned.node.primary, planned.node.rest, event(['p1', 'p2']), {
      operation: planned.operation,
      supergraphSchema: planner.supergraphSchema,
      variables: { orderId: 'o1' },
      fetch: async (service, request) => {
        calls.push({ service, request });
        // The planner keeps the client's alias in the entity fetch.
        return { data: { _entities: [{ title: 'Lamp' }, { title: 'Desk' }] } };
      },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.service).toBe('product');
    expect(calls[0]?.request.query).toContain('_entities(representations:$representations){...on Product{title:name}}');
    expect(calls[0]?.request.variables).toEqual({
      representations: [
        { __typename: 'Product', id: 'p1' },
        { __typename: 'Product', id: 'p2' },
      ],
    });
    expect(completed).toEqual({
      data: {
        change: {
          orderId: 'o1',
          status: 'PAID',
          order: {
            id: 'o1',
            lines: [
              { quantity: 1, product: { id: 'p1', title: 'Lamp' } },
              { quantity: 1, product: { id: 'p2', title: 'Desk' } },
            ],
          },
        },
      },
      errors: [],
    });
  });

  it('passes a refused subscription on as it came, without completing anything', async () => {
    const planned = planner.plan(DOCUMENT, 'Track', QUERY);
    const completed = await completeEvent(
      planned.node.primary,
      planned.node.rest,
      { data: null, errors: [{ message: 'Not your order', extensions: { code: 'FORBIDDEN' } }] },
      {
        operation: planned.operation,
        supergraphSchema: planner.supergraphSchema,
        variables: { orderId: 'o1' },
        fetch: () => Promise.reject(new Error('no fetch expected')),
      },
    );
    expect(completed.data).toBeNull();
    expect(completed.errors.map((error) => error.extensions['code'])).toEqual(['FORBIDDEN']);
  });

  it('reports a failing completion fetch beside the data', async () => {
    const planned = planner.plan(DOCUMENT, 'Track', QUERY);
    const completed = await completeEvent(planned.node.primary, planned.node.rest, event(['p1']), {
      operation: planned.operation,
      supergraphSchema: planner.supergraphSchema,
      variables: { orderId: 'o1' },
      fetch: () => Promise.reject(new Error('connection refused')),
    });
    expect(completed.errors).toHaveLength(1);
    expect(completed.errors[0]?.message).toBe('A subgraph fetch failed');
  });
});
