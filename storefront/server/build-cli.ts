/**
 * `npm run build -w storefront`: builds the storefront into dist/ (or the directory given),
 * always, unlike the server's start. Run it with NODE_ENV=production or unset.
 */
import { join } from 'node:path';
import { buildStorefront } from './build.ts';
import { STOREFRONT_ROOT } from './config.ts';

const started = Date.now();
const distDir = process.argv[2] ?? join(STOREFRONT_ROOT, 'dist');
await buildStorefront(distDir);
console.log(`storefront built into ${distDir} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
