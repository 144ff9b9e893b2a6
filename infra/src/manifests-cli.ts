/** `npm run manifests`: writes the Kubernetes manifests derived from the service specs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MANIFESTS_FILE, renderManifests } from './kubernetes.ts';

mkdirSync(dirname(MANIFESTS_FILE), { recursive: true });
writeFileSync(MANIFESTS_FILE, await renderManifests());
console.log(`wrote ${MANIFESTS_FILE}`);
