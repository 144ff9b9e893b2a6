/**
 * The runtime kit for a service's seed script (`subgraphs/<service>/src/seed/seed.ts`, run
 * by `npm start`, the e2e setup and `npm run seed`): the same arguments, the same settings,
 * the database migrated before anything is written, one log line for the outcome and an
 * exit code the caller can trust. A subpath of its own (`@emporium/runtime/seed`), since it
 * loads the database driver with itself and a service process must not (see process.ts).
 */
import { loadConfig, readDatabaseUrl, type EnvReader } from '@emporium/config';
import { createOrm, migrate, type MikroORM, type OrmOptions } from '@emporium/db';
import { createLogger, type Logger } from '@emporium/logging';
import { demoDataWanted, parseSeedArgs, type SeedArgs } from '@emporium/seed';

/** What every seed reads: its arguments and the settings below. */
export interface SeedConfig extends SeedArgs {
  databaseUrl: string;
  /** Demo data; off in production unless asked for (see demoDataWanted), when a seed only migrates. */
  demoData: boolean;
  logLevel: string;
}

/** What a seed's writing step gets. */
export interface SeedContext<TSettings> {
  orm: MikroORM;
  config: SeedConfig & TSettings;
  logger: Logger;
  /** Seconds since the seed started, for its report. */
  elapsedSeconds: () => string;
}

/** Options of {@link runSeed}. */
export interface SeedOptions<TSettings> {
  /** Its database is `emporium_<service>`; its logger `<service>-seed`. */
  service: string;
  entities: OrmOptions['entities'];
  migrations: OrmOptions['migrations'];
  /** Settings beyond the common ones, read with the same checks. */
  settings?: (env: EnvReader) => TSettings;
  /** Writes the demo data once the database is migrated; a service without any only migrates. */
  write?: (context: SeedContext<TSettings>) => Promise<void>;
  /** The script's arguments; the process's by default. */
  args?: readonly string[];
}

/**
 * Reads the seed's arguments and settings (a mistake in them exits 2, naming it), migrates
 * the database, then runs `write`. A failure is logged and exits 1; the ORM is closed
 * either way.
 */
export async function runSeed<TSettings extends object = object>(options: SeedOptions<TSettings>): Promise<void> {
  let config: SeedConfig & TSettings;
  try {
    config = {
      ...parseSeedArgs(options.args ?? process.argv.slice(2)),
      ...loadConfig((env) => ({
        databaseUrl: readDatabaseUrl(env),
        demoData: demoDataWanted(env),
        logLevel: env.logLevel(),
        ...(options.settings?.(env) ?? ({} as TSettings)),
      })),
    };
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  const started = performance.now();
  const logger = createLogger(`${options.service}-seed`, { level: config.logLevel });
  const database = { service: options.service, serverUrl: config.databaseUrl };
  const orm = await createOrm({ ...database, entities: options.entities, migrations: options.migrations, logger });
  try {
    const applied = await migrate(orm, database);
    if (options.write) {
      await options.write({
        orm,
        config,
        logger,
        elapsedSeconds: () => ((performance.now() - started) / 1000).toFixed(1),
      });
    } else {
      logger.info(
        { applied },
        applied.length > 0 ? `applied ${applied.length} migrations` : `${options.service} database up to date`,
      );
    }
  } catch (error) {
    logger.error({ err: error }, `${options.service} seed failed`);
    process.exitCode = 1;
  } finally {
    await orm.close();
  }
}
