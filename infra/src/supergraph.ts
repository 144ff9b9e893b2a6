import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { repoRoot } from './config.ts';
import { SUBGRAPHS, serviceUrl } from './services.ts';

export const SUPERGRAPH_FILE = join(repoRoot, 'schema', 'supergraph.graphql');
/**
 * The repository's copy of the public contract (its reference copy lives outside the
 * repository; an issue says when it changes). Tests, codegen and clients read this one, so a
 * clone on its own is complete.
 */
export const CONTRACT_OPERATIONS_FILE = join(repoRoot, 'schema', 'contract', 'operations.graphql');

/**
 * Composes every subgraph's SDL file into the supergraph the router serves. The URLs are
 * the local ones; deployments override them per subgraph (SUBGRAPH_<NAME>_URL).
 */
export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map((subgraph) => {
      if (!subgraph.schema) throw new Error(`${subgraph.name} has no schema file`);
      return {
        name: subgraph.name,
        url: serviceUrl(subgraph, '/graphql'),
        typeDefs: parse(readFileSync(join(repoRoot, subgraph.schema), 'utf8')),
      };
    }),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}
