import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findMissing, MissingPrerequisites, parseJavaVersion, requirePrerequisites } from './prerequisites.ts';

const root = mkdtempSync(join(tmpdir(), 'emporium-prereq-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A directory standing in for PATH or a JDK's bin/, with a `java` reporting `version`. */
function fakeJava(name: string, version: string): string {
  const bin = join(root, name, 'bin');
  mkdirSync(bin, { recursive: true });
  const java = join(bin, 'java');
  // Like the real one: the version on stderr.
  writeFileSync(java, `#!/bin/sh\necho 'openjdk version "${version}" 2025-04-15' >&2\n`);
  chmodSync(java, 0o755);
  return join(root, name);
}

function fakeCommand(dir: string, command: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, command), '#!/bin/sh\n');
  chmodSync(join(dir, command), 0o755);
}

const none = { maven: false, java: undefined, esJavaHome: undefined, commands: [] } as const;

describe('prerequisites', () => {
  it('reads the major version of modern and 1.x Java', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaVersion('bash: java: not found')).toBeUndefined();
  });

  it('names a missing Maven with the apt command for this user', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const asUser = await findMissing({ ...none, maven: true, path: empty, isRoot: false });
    expect(asUser).toEqual([
      expect.objectContaining({ name: 'Maven (mvn)', install: 'sudo apt-get install -y maven' }),
    ]);
    const asRoot = await findMissing({ ...none, maven: true, path: empty, isRoot: true });
    expect(asRoot[0]?.install).toBe('apt-get install -y maven');
  });

  it('finds Maven and commands that are on PATH', async () => {
    const bin = join(root, 'tools');
    fakeCommand(bin, 'mvn');
    fakeCommand(bin, 'unzip');
    const missing = await findMissing({
      ...none,
      maven: true,
      commands: [{ command: 'unzip', aptPackage: 'unzip', reason: 'unpacks' }],
      path: bin,
    });
    expect(missing).toEqual([]);
  });

  it('refuses a Java older than 17 and a missing one, and accepts 17', async () => {
    const old = fakeJava('java11', '11.0.2');
    const current = fakeJava('java17', '17.0.15');
    const tooOld = await findMissing({ ...none, java: 'java', path: join(old, 'bin'), isRoot: true });
    expect(tooOld).toEqual([expect.objectContaining({ name: 'a Java 17+ runtime' })]);
    expect(tooOld[0]?.reason).toContain('is Java 11');
    expect(tooOld[0]?.install).toContain('apt-get install -y openjdk-17-jre-headless');
    const absent = await findMissing({ ...none, java: 'java', path: join(root, 'empty') });
    expect(absent[0]?.reason).toContain('no working java');
    expect(await findMissing({ ...none, java: 'java', path: join(current, 'bin') })).toEqual([]);
  });

  it('asks for a Java 21+ JDK for Elasticsearch, saying what it found', async () => {
    const jdk17 = fakeJava('jdk17', '17.0.15');
    const jdk21 = fakeJava('jdk21', '21.0.4');
    const unset = await findMissing({ ...none, esJavaHome: '' });
    expect(unset).toEqual([expect.objectContaining({ name: 'a Java 21+ JDK' })]);
    expect(unset[0]?.reason).toContain('ES_JAVA_HOME is unset');
    expect(unset[0]?.install).toContain('openjdk-21-jdk-headless');
    const tooOld = await findMissing({ ...none, esJavaHome: jdk17 });
    expect(tooOld[0]?.reason).toContain('is Java 17');
    expect(await findMissing({ ...none, esJavaHome: jdk21 })).toEqual([]);
  });

  it('reports everything missing at once, in one error', async () => {
    const empty = join(root, 'empty');
    const failure = await requirePrerequisites({
      maven: true,
      java: 'java',
      esJavaHome: '',
      commands: [],
      path: empty,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MissingPrerequisites);
    const { message, missing } = failure as MissingPrerequisites;
    expect(missing.map((item) => item.name)).toEqual(['Maven (mvn)', 'a Java 17+ runtime', 'a Java 21+ JDK']);
    expect(message).toContain('install:');
    expect(message).not.toContain('ENOENT');
  });
});
