/**
 * `npm run infra -- up|down|status|logs|reset`: the local stack of PostgreSQL, Kafka,
 * Kafka Connect with Debezium, and Elasticsearch.
 */
import { config } from './config.ts';
import {
  COMPONENTS,
  down,
  findComponent,
  formatMiB,
  formatTable,
  logs,
  provision,
  reset,
  status,
  up,
} from './stack.ts';

const USAGE = `usage: npm run infra -- <command>
  up                 start every component that is not running and wait until all are healthy
  down               stop the local components (data is kept)
  status [--json]    version, address, pid, memory and health of each component
  logs <name> [-f]   the log of one component (${COMPONENTS.map((c) => c.name).join(', ')})
  reset              stop and delete the stack's data (downloads stay cached)
  provision          create what the services need in running engines (roles, databases), idempotently`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up': {
      const started = Date.now();
      await up();
      console.log(`stack healthy in ${((Date.now() - started) / 1000).toFixed(1)}s (state in ${config.stateDir})`);
      return 0;
    }
    case 'down':
      await down();
      return 0;
    case 'status': {
      const rows = await status();
      if (rest.includes('--json')) console.log(JSON.stringify(rows));
      else {
        const table = rows.map(({ memoryBytes, health, ...row }) => ({
          ...row,
          memory: memoryBytes === undefined ? '-' : formatMiB(memoryBytes),
          health,
        }));
        console.log(formatTable(table));
      }
      return rows.every((row) => row.health.startsWith('healthy')) ? 0 : 1;
    }
    case 'logs': {
      const [name, flag] = rest;
      if (!name) {
        console.error(USAGE);
        return 2;
      }
      await logs(findComponent(name), flag === '-f' || flag === '--follow');
      return 0;
    }
    case 'reset':
      await reset();
      return 0;
    case 'provision':
      await provision();
      console.log('provisioned');
      return 0;
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
