import { Migration20261205000000 } from './Migration20261205000000.ts';
import { Migration20261205100000 } from './Migration20261205100000.ts';
import { Migration20261220100000 } from './Migration20261220100000.ts';
import { Migration20261230000000 } from './Migration20261230000000.ts';
import { Migration20261231000000 } from './Migration20261231000000.ts';
import { Migration20261231100000 } from './Migration20261231100000.ts';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  Migration20261205000000,
  Migration20261205100000,
  Migration20261220100000,
  Migration20261230000000,
  Migration20261231000000,
  Migration20261231100000,
];
