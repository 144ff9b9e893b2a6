import { Migration20261126000000 } from './Migration20261126000000.ts';
import { Migration20261210000000 } from './Migration20261210000000.ts';
import { Migration20261220000000 } from './Migration20261220000000.ts';
import { Migration20261230000000 } from './Migration20261230000000.ts';
import { Migration20261231000000 } from './Migration20261231000000.ts';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  Migration20261126000000,
  Migration20261210000000,
  Migration20261220000000,
  Migration20261230000000,
  Migration20261231000000,
];
