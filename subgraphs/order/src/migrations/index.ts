import { Migration20261201000000 } from './Migration20261201000000.ts';
import { Migration20261204000000 } from './Migration20261204000000.ts';
import { Migration20261230000000 } from './Migration20261230000000.ts';
import { Migration20261231000000 } from './Migration20261231000000.ts';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  Migration20261201000000,
  Migration20261204000000,
  Migration20261230000000,
  Migration20261231000000,
];
