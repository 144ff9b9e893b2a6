import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { config, repoRoot } from './config.ts';
import { run } from './process.ts';

/**
 * Engines come from Maven Central through Maven itself (which resolves transitive
 * dependencies and keeps its own download cache), then are unpacked once into the stack's
 * cache. A directory is complete only when its stamp matches the POM that produced it,
 * so an interrupted download or a version bump is fetched again instead of half-used.
 */
interface ArtifactSpec {
  name: string;
  pom: string;
  /** Copy only the listed artifacts, not their dependencies (archives that carry their own). */
  direct: boolean;
  unpack: (downloads: string, target: string) => void | Promise<void>;
}

async function fetchArtifact(spec: ArtifactSpec): Promise<string> {
  const pomPath = join(repoRoot, 'infra', 'maven', spec.pom);
  const stamp = createHash('sha256').update(readFileSync(pomPath)).digest('hex');
  const target = join(config.cacheDir, spec.name);
  const stampFile = join(target, '.complete');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return target;

  mkdirSync(config.cacheDir, { recursive: true });
  // The cache is read by the unprivileged service user as well.
  chmodSync(config.cacheDir, 0o755);
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const downloads = join(staging, '.downloads');
  console.log(`  fetching ${spec.name} from Maven Central (cached after the first time)`);
  await run('mvn', [
    '-q',
    '-B',
    '-f',
    pomPath,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${downloads}`,
    `-DexcludeTransitive=${spec.direct}`,
  ]);
  await spec.unpack(downloads, staging);
  writeFileSync(join(staging, '.complete'), stamp);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return target;
}

const only = (dir: string, suffix: string): string => {
  const file = readdirSync(dir).find((name) => name.endsWith(suffix));
  if (!file) throw new Error(`no *${suffix} in ${dir}`);
  return join(dir, file);
};

/** Kafka broker, Kafka Connect and the log4j2 backend, as one directory of jars. */
export const fetchKafka = (): Promise<string> =>
  fetchArtifact({
    name: 'kafka-runtime',
    pom: 'kafka.pom.xml',
    direct: false,
    unpack: (downloads, target) => {
      renameSync(downloads, join(target, 'libs'));
    },
  }).then((dir) => join(dir, 'libs'));

/** A Connect plugin path holding the Debezium PostgreSQL connector. */
export const fetchDebeziumPlugins = (): Promise<string> =>
  fetchArtifact({
    name: 'debezium-plugins',
    pom: 'debezium.pom.xml',
    direct: true,
    unpack: async (downloads, target) => {
      const plugins = join(target, 'plugins');
      mkdirSync(plugins, { recursive: true });
      await run('tar', ['-xzf', only(downloads, '-plugin.tar.gz'), '-C', plugins]);
      rmSync(downloads, { recursive: true });
    },
  }).then((dir) => join(dir, 'plugins'));

/** The Elasticsearch home directory (bin/, lib/, modules/, config/). */
export const fetchElasticsearch = (): Promise<string> =>
  fetchArtifact({
    name: 'elasticsearch',
    pom: 'elasticsearch.pom.xml',
    direct: true,
    unpack: async (downloads, target) => {
      await run('unzip', ['-q', only(downloads, '.zip'), '-d', target]);
      rmSync(downloads, { recursive: true });
    },
  }).then((dir) => {
    const home = readdirSync(dir).find((name) => name.startsWith('elasticsearch-'));
    if (!home) throw new Error(`no Elasticsearch home in ${dir}`);
    return join(dir, home);
  });

/** The Zipkin server, a runnable jar that carries its own dependencies. */
export const fetchZipkin = (): Promise<string> =>
  fetchArtifact({
    name: 'zipkin',
    pom: 'zipkin.pom.xml',
    direct: true,
    unpack: (downloads, target) => {
      renameSync(only(downloads, '-exec.jar'), join(target, 'zipkin.jar'));
      rmSync(downloads, { recursive: true });
    },
  }).then((dir) => join(dir, 'zipkin.jar'));
