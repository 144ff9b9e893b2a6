import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { config, repoRoot } from './config.ts';
import { aptInstall, MissingPrerequisites } from './prerequisites.ts';
import { run } from './process.ts';
import { startProgress, type Progress } from './progress.ts';

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

const SPECS = {
  kafka: 'kafka.pom.xml',
  debezium: 'debezium.pom.xml',
  elasticsearch: 'elasticsearch.pom.xml',
  zipkin: 'zipkin.pom.xml',
} as const;

const cacheTarget = (spec: Pick<ArtifactSpec, 'name' | 'pom'>): { target: string; stamp: string } => ({
  target: join(config.cacheDir, spec.name),
  stamp: createHash('sha256')
    .update(readFileSync(join(repoRoot, 'infra', 'maven', spec.pom)))
    .digest('hex'),
});

function isCached(spec: Pick<ArtifactSpec, 'name' | 'pom'>): boolean {
  const { target, stamp } = cacheTarget(spec);
  const stampFile = join(target, '.complete');
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
}

/** Whether starting these engines will download anything (and so needs Maven). */
export function needsDownload(engines: readonly (keyof typeof SPECS)[]): boolean {
  const names: Record<keyof typeof SPECS, string> = {
    kafka: 'kafka-runtime',
    debezium: 'debezium-plugins',
    elasticsearch: 'elasticsearch',
    zipkin: 'zipkin',
  };
  return engines.some((engine) => !isCached({ name: names[engine], pom: SPECS[engine] }));
}

/**
 * Runs a command, handing each line of its output (split at carriage returns too, which
 * progress printers use to redraw) to `onLine`. A missing command is a missing
 * prerequisite, named with its install command, not a bare ENOENT.
 */
function runLines(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  options: { aptPackage: string; stdin?: NodeJS.ReadableStream },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const recent: string[] = [];
    const take = (chunk: Buffer, pending: { text: string }): void => {
      const parts = (pending.text + chunk.toString('utf8')).split(/[\r\n]/);
      pending.text = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        recent.push(line);
        if (recent.length > 40) recent.shift();
        onLine(line);
      }
    };
    const out = { text: '' };
    const err = { text: '' };
    child.stdout?.on('data', (chunk: Buffer) => {
      take(chunk, out);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      take(chunk, err);
    });
    if (options.stdin && child.stdin) options.stdin.pipe(child.stdin);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new MissingPrerequisites([
              { name: command, reason: `needed to fetch the engines`, install: aptInstall([options.aptPackage]) },
            ])
          : error,
      );
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${signal ?? `exit code ${String(code)}`})\n${recent.join('\n')}`,
          ),
        );
      }
    });
  });
}

const SIZE_UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 };

/**
 * Maven's console transfer listener (interactive mode, which `-B` turns off) redraws
 * `Progress (2): 1.2/596 MB | 40/120 kB` and logs `Downloaded from central: <url> (596 MB at
 * 12 MB/s)` per file. Its overall size is unknown until the dependency tree has been walked,
 * so the total shown is what is known so far: the finished files and those in flight.
 */
export function mavenTransfers(): {
  onLine: (line: string) => void;
  snapshot: () => { done: number; total: number | undefined; files: number; current: string | undefined };
} {
  let completed = 0;
  let files = 0;
  let inFlight: { done: number; total: number | undefined }[] = [];
  let current: string | undefined;
  const bytes = (value: string, unit: string): number => Number(value) * (SIZE_UNITS[unit] ?? 1);
  return {
    onLine(line) {
      const finished = /^(?:\[INFO\] )?Downloaded from [^:]+: (\S+) \(([\d.]+) (B|kB|KB|MB|GB)/.exec(line);
      if (finished) {
        completed += bytes(finished[2] ?? '0', finished[3] ?? 'B');
        files += 1;
        inFlight = [];
        return;
      }
      const starting = /^(?:\[INFO\] )?Downloading from [^:]+: (\S+)/.exec(line);
      if (starting) {
        current = starting[1]?.split('/').pop();
        return;
      }
      if (!line.startsWith('Progress (')) return;
      inFlight = line
        .slice(line.indexOf(':') + 1)
        .split('|')
        .flatMap((part): { done: number; total: number | undefined }[] => {
          const known = /([\d.]+)\/([\d.]+) (B|kB|KB|MB|GB)/.exec(part);
          if (known) {
            const unit = known[3] ?? 'B';
            return [{ done: bytes(known[1] ?? '0', unit), total: bytes(known[2] ?? '0', unit) }];
          }
          const open = /([\d.]+) (B|kB|KB|MB|GB)/.exec(part);
          return open ? [{ done: bytes(open[1] ?? '0', open[2] ?? 'B'), total: undefined }] : [];
        });
    },
    snapshot() {
      const flying = inFlight.reduce((sum, transfer) => sum + transfer.done, 0);
      const known = inFlight.every((transfer) => transfer.total !== undefined);
      const total = known ? completed + inFlight.reduce((sum, transfer) => sum + (transfer.total ?? 0), 0) : undefined;
      return { done: completed + flying, total: total !== undefined && total > 0 ? total : undefined, files, current };
    },
  };
}

async function download(spec: ArtifactSpec, pomPath: string, downloads: string): Promise<void> {
  const transfers = mavenTransfers();
  const progress = startProgress(`downloading ${spec.name}`, { unit: 'bytes' });
  try {
    await runLines(
      'mvn',
      [
        '-f',
        pomPath,
        '-Dstyle.color=never',
        'dependency:copy-dependencies',
        `-DoutputDirectory=${downloads}`,
        `-DexcludeTransitive=${spec.direct}`,
      ],
      (line) => {
        transfers.onLine(line);
        const now = transfers.snapshot();
        progress.update(now.done, {
          total: now.total,
          detail: `${now.files} files${now.current ? `, now ${now.current}` : ''}`,
        });
      },
      { aptPackage: 'maven' },
    );
  } catch (error) {
    progress.fail(error instanceof MissingPrerequisites ? 'Maven is missing' : 'see below');
    throw error;
  }
  const { done, files } = transfers.snapshot();
  progress.finish(done > 0 ? `${formatMiB(done)} in ${files} files` : 'already in the Maven repository');
}

const formatMiB = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

async function fetchArtifact(spec: ArtifactSpec): Promise<string> {
  const pomPath = join(repoRoot, 'infra', 'maven', spec.pom);
  const { target, stamp } = cacheTarget(spec);
  if (isCached(spec)) return target;

  mkdirSync(config.cacheDir, { recursive: true });
  // The cache is read by the unprivileged service user as well.
  chmodSync(config.cacheDir, 0o755);
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const downloads = join(staging, '.downloads');
  // Cached after the first time.
  await download(spec, pomPath, downloads);
  await spec.unpack(downloads, staging);
  writeFileSync(join(staging, '.complete'), stamp);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return target;
}

/** Unpacks a .tar.gz fed through a byte counter: the share of the archive read is the progress. */
async function untar(archive: string, into: string): Promise<void> {
  const total = statSync(archive).size;
  const progress = startProgress(`unpacking ${archive.split('/').pop() ?? archive}`, { unit: 'bytes', total });
  const input = createReadStream(archive);
  let read = 0;
  input.on('data', (chunk) => {
    read += chunk.length;
    progress.update(read);
  });
  await finishing(
    progress,
    runLines('tar', ['-xzf', '-', '-C', into], () => undefined, { aptPackage: 'tar', stdin: input }),
  );
}

/** Unpacks a zip, counting the files unzip reports against the count its directory lists. */
async function unzip(archive: string, into: string): Promise<void> {
  // `unzip -Zt`: "1234 files, 567890 bytes uncompressed, …": entries, directories included.
  const summary = await run('unzip', ['-Zt', archive]).catch(() => '');
  const total = Number(/(\d+) files/.exec(summary)?.[1] ?? NaN);
  const progress = startProgress(`unpacking ${archive.split('/').pop() ?? archive}`, {
    unit: 'items',
    total: Number.isFinite(total) ? total : undefined,
  });
  let files = 0;
  await finishing(
    progress,
    runLines(
      'unzip',
      ['-o', archive, '-d', into],
      (line) => {
        if (/^\s*(inflating|extracting|creating):/.test(line)) progress.update(++files);
      },
      { aptPackage: 'unzip' },
    ),
    () => `${files} files`,
  );
}

async function finishing(progress: Progress, work: Promise<void>, summary?: () => string): Promise<void> {
  try {
    await work;
    progress.finish(summary?.());
  } catch (error) {
    progress.fail(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
    throw error;
  }
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
      await untar(only(downloads, '-plugin.tar.gz'), plugins);
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
      await unzip(only(downloads, '.zip'), target);
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
