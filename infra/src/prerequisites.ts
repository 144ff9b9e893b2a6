/**
 * What the stack needs from the machine and cannot install itself: Maven, a Java 17+
 * runtime for Kafka, Connect and Zipkin, and a Java 21+ JDK for Elasticsearch 9. Checked
 * before anything is started, so a newcomer reads what is missing and the command that
 * installs it, all at once, instead of a bare `spawn mvn ENOENT` halfway through.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One missing prerequisite: what it is, why it is needed and how to install it. */
export interface Missing {
  name: string;
  reason: string;
  install: string;
}

export class MissingPrerequisites extends Error {
  readonly missing: readonly Missing[];

  constructor(missing: readonly Missing[]) {
    super(
      [
        `${missing.length === 1 ? 'A prerequisite is' : 'Prerequisites are'} missing:`,
        ...missing.map((item) => `  - ${item.name} (${item.reason})\n      install: ${item.install}`),
      ].join('\n'),
    );
    this.name = 'MissingPrerequisites';
    this.missing = missing;
  }
}

/** apt-get as this user can run it: directly as root, through sudo otherwise. */
export function aptInstall(packages: readonly string[], isRoot = process.getuid?.() === 0): string {
  return `${isRoot ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
}

/** The executable `command` resolves to on PATH, or undefined. */
export function findOnPath(command: string, path = process.env['PATH'] ?? ''): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, command))
    .find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The major version a `java` binary reports (`java -version` writes to stderr:
 * `openjdk version "17.0.15" 2025-04-15`, or `"1.8.0_392"` for Java 8), or undefined
 * when it cannot be run.
 */
export async function javaMajorVersion(
  java: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | undefined> {
  try {
    const { stdout, stderr } = await execFileAsync(java, ['-version'], { env, timeout: 30_000 });
    return parseJavaVersion(`${stderr}\n${stdout}`);
  } catch {
    return undefined;
  }
}

export function parseJavaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  const major = Number(match[1]);
  // Java 8 and older call themselves 1.x.
  return major === 1 ? Number(match[2]) : major;
}

/** What {@link findMissing} looks for; the stack passes only what it will actually use. */
export interface Needs {
  /** Maven, to download engines not yet in the cache. */
  maven: boolean;
  /** The `java` Kafka, Connect and Zipkin run on (JAVA_HOME's or PATH's), 17 or newer. */
  java: string | undefined;
  /** ES_JAVA_HOME (or the newest JDK under /usr/lib/jvm), 21 or newer; '' when none was found. */
  esJavaHome: string | undefined;
  /** Commands the unpacking calls: unzip, tar. */
  commands: readonly { command: string; aptPackage: string; reason: string }[];
  path?: string;
  isRoot?: boolean;
}

export async function findMissing(needs: Needs): Promise<Missing[]> {
  const missing: Missing[] = [];
  const apt = (pkg: string): string => aptInstall([pkg], needs.isRoot);
  if (needs.maven && !findOnPath('mvn', needs.path)) {
    missing.push({
      name: 'Maven (mvn)',
      reason: 'downloads Kafka, Debezium, Elasticsearch and Zipkin from Maven Central on the first run',
      install: apt('maven'),
    });
  }
  for (const { command, aptPackage, reason } of needs.commands) {
    if (!findOnPath(command, needs.path)) missing.push({ name: command, reason, install: apt(aptPackage) });
  }
  if (needs.java !== undefined) {
    const resolved = findOnPath(needs.java, needs.path);
    const major = resolved ? await javaMajorVersion(resolved) : undefined;
    if (major === undefined || major < 17) {
      missing.push({
        name: 'a Java 17+ runtime',
        reason: `Kafka, Kafka Connect and Zipkin run on it; ${
          major === undefined ? `no working ${needs.java}` : `${resolved ?? needs.java} is Java ${major}`
        } (JAVA_HOME or PATH)`,
        install: `${apt('openjdk-17-jre-headless')} (or set JAVA_HOME to a Java 17+ installation)`,
      });
    }
  }
  if (needs.esJavaHome !== undefined) {
    const java = needs.esJavaHome ? join(needs.esJavaHome, 'bin', 'java') : undefined;
    const major = java && existsSync(java) ? await javaMajorVersion(java) : undefined;
    if (major === undefined || major < 21) {
      missing.push({
        name: 'a Java 21+ JDK',
        reason: `Elasticsearch 9 runs on it; ${
          !needs.esJavaHome
            ? 'none under /usr/lib/jvm and ES_JAVA_HOME is unset'
            : major === undefined
              ? `no working java in ${needs.esJavaHome}`
              : `${needs.esJavaHome} is Java ${major}`
        }`,
        install: `${apt('openjdk-21-jdk-headless')} (or set ES_JAVA_HOME to a Java 21+ JDK)`,
      });
    }
  }
  return missing;
}

/** Throws {@link MissingPrerequisites} naming everything missing at once. */
export async function requirePrerequisites(needs: Needs): Promise<void> {
  const missing = await findMissing(needs);
  if (missing.length > 0) throw new MissingPrerequisites(missing);
}
