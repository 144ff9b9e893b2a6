/** `npm run compose`: regenerates schema/supergraph.graphql from the subgraphs' SDL files. */
import { writeFileSync } from 'node:fs';
import { SUPERGRAPH_FILE, composeSupergraph } from './supergraph.ts';

try {
  writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
  console.log(`wrote ${SUPERGRAPH_FILE}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
