import { Migration20261125000000 } from './Migration20261125000000.ts';
import { Migration20261201000000 } from './Migration20261201000000.ts';
import { Migration20261204000000 } from './Migration20261204000000.ts';

/** Every migration of this subgraph, oldest first. */
export const migrations = [Migration20261125000000, Migration20261201000000, Migration20261204000000];
