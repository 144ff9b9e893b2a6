/**
 * Builds the storefront with Vite when its build is missing or older than its sources, so
 * `npm start` and the e2e tests always serve the current app without a separate step, and a
 * start with nothing changed costs one pass of hashing. The build goes to a scratch directory
 * first and replaces `dist/` only when complete.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build, type InlineConfig, type Plugin } from 'vite';
import { STOREFRONT_ROOT } from './config.ts';

const STAMP_FILE = '.build-stamp';
/** What the build reads besides the installed packages (package-lock.json stands for those). */
const INPUTS = ['index.html', 'src', 'public', 'package.json', 'server/build.ts', '../package-lock.json'];
/** Served precompressed (sirv picks the .br or .gz sibling the browser accepts). */
const COMPRESSIBLE = /\.(js|css|html|json|svg|txt|map)$/;
/** The trusted documents: the contract's operations by hash, as codegen wrote them. */
const MANIFEST = join(STOREFRONT_ROOT, 'src', 'generated', 'persisted-documents.json');
export const MANIFEST_FILE = 'persisted-documents.json';

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => listFiles(join(path, entry.name)));
}

/** A hash of every input's path and content, and of the build-time environment the app reads. */
export function sourceStamp(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => listFiles(join(STOREFRONT_ROOT, input)))) {
    hash.update(relative(STOREFRONT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const [name, value] of Object.entries(process.env).sort(([a], [b]) => a.localeCompare(b))) {
    if (name.startsWith('VITE_')) hash.update(`${name}=${value ?? ''}\0`);
  }
  return hash.digest('hex');
}

/** Emits the manifest of the storefront's operations beside the app, for the router's allow-list. */
function trustedDocuments(): Plugin {
  return {
    name: 'emporium-trusted-documents',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: MANIFEST_FILE, source: readFileSync(MANIFEST, 'utf8') });
    },
  };
}

/** The Vite configuration, shared by this build and `vite` run in storefront/ for development. */
export function viteConfig(outDir = join(STOREFRONT_ROOT, 'dist')): InlineConfig {
  return {
    root: STOREFRONT_ROOT,
    configFile: false,
    logLevel: 'warn',
    plugins: [react(), trustedDocuments()],
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  };
}

async function precompress(dir: string): Promise<void> {
  const brotli = promisify(brotliCompress);
  const gz = promisify(gzip);
  await Promise.all(
    listFiles(dir)
      .filter((file) => COMPRESSIBLE.test(file))
      .map(async (file) => {
        const content = readFileSync(file);
        writeFileSync(`${file}.gz`, await gz(content, { level: 9 }));
        writeFileSync(`${file}.br`, await brotli(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }));
      }),
  );
}

/** Builds into `distDir` unconditionally. */
export async function buildStorefront(distDir: string, stamp = sourceStamp()): Promise<void> {
  const scratch = `${distDir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    await build({ ...viteConfig(scratch), mode: 'production' });
    await precompress(scratch);
    writeFileSync(join(scratch, STAMP_FILE), `${stamp}\n`);
    rmSync(distDir, { recursive: true, force: true });
    renameSync(scratch, distDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Builds when `distDir` holds no build of the current sources; says whether it built. The build
 * runs in a child process with NODE_ENV=production: Vite, its React plugin and the libraries'
 * export conditions all follow NODE_ENV, and a parent started by a test runner has it set to
 * `test`, which would ship React's development build.
 */
export async function ensureStorefrontBuilt(distDir: string): Promise<boolean> {
  const stampFile = join(distDir, STAMP_FILE);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === sourceStamp()) return false;
  const child = spawn(process.execPath, [join(STOREFRONT_ROOT, 'server', 'build-cli.ts'), distDir], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the storefront build failed (exit code ${String(code)})`);
  return true;
}
