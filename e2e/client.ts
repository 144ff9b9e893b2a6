import { readFileSync } from 'node:fs';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';
import { ROUTER_PORT } from '../infra/src/services.ts';
import { CONTRACT_OPERATIONS_FILE } from '../infra/src/supergraph.ts';

export const ROUTER_URL = `http://127.0.0.1:${ROUTER_PORT}/graphql`;

const contract = parse(readFileSync(CONTRACT_OPERATIONS_FILE, 'utf8'));
const fragments = new Map(
  contract.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .map((d) => [d.name.value, d]),
);

/**
 * One operation of the contract with exactly the fragments it uses, ready to send.
 * `without` drops fields whose owning subgraph is not built yet (e.g. `inventory` before the
 * cart subgraph); the supergraph test lists those operations as pending, so this stays visible.
 */
export function contractOperation(name: string, without: readonly string[] = []): string {
  const operation = contract.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  if (!operation) throw new Error(`no operation ${name} in the contract`);
  const needed = new Map<string, DefinitionNode>();
  const collect = (node: DefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !needed.has(fragment.name.value)) {
          needed.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  };
  collect(operation);
  const drop = new Set(without);
  return [operation, ...needed.values()]
    .map((definition) =>
      print(visit(definition, { Field: (field) => (drop.has(field.name.value) ? null : undefined) })),
    )
    .join('\n\n');
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POSTs a document to the router (or another URL), as a client would. */
export async function gql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; url?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(options.url ?? ROUTER_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** Runs a contract operation by name. */
export const run = <T = Record<string, unknown>>(
  name: string,
  variables: Record<string, unknown> = {},
  options: { token?: string } = {},
): Promise<GraphQLResponse<T>> => gql<T>(contractOperation(name), variables, options);

let counter = 0;
/** An email no other test run has used. */
export const freshEmail = (label = 'shopper'): string =>
  `${label}.${Date.now().toString(36)}.${(counter += 1)}.${Math.random().toString(36).slice(2, 8)}@example.com`;
