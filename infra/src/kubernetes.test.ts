import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';

/** The validating model of each kind the manifests use: an unknown kind fails the test. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Namespace,
  ConfigMap,
  Service,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
};

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
};

let kubernetes: typeof import('./kubernetes.ts');
let committed: Manifest[];

beforeAll(async () => {
  // Identity's spec reads (or creates) the stack's key file when asked for its variables;
  // here that happens in a scratch state directory, not the developer's stack.
  process.env['EMPORIUM_HOME'] = mkdtempSync(join(tmpdir(), 'emporium-manifests-'));
  kubernetes = await import('./kubernetes.ts');
  committed = parseAllDocuments(readFileSync(kubernetes.MANIFESTS_FILE, 'utf8')).map(
    (document) => document.toJS() as Manifest,
  );
});

describe('Kubernetes manifests', () => {
  it('are committed exactly as the service specs generate them (npm run manifests)', async () => {
    expect(readFileSync(kubernetes.MANIFESTS_FILE, 'utf8')).toBe(await kubernetes.renderManifests());
  });

  it("validate against the Kubernetes API's schemas", () => {
    expect(committed.length).toBeGreaterThan(40);
    for (const manifest of committed) {
      const Model = MODELS[manifest.kind];
      expect(Model, `a model for ${manifest.kind}`).toBeDefined();
      if (Model)
        expect(() => {
          new Model(manifest as never).validate();
        }, manifest.metadata.name).not.toThrow();
    }
  });

  it('give every process readiness on /ready, an autoscaler and a disruption budget, and no secret values', () => {
    const deployments = committed.filter((manifest) => manifest.kind === 'Deployment');
    const names = deployments.map((manifest) => manifest.metadata.name).sort();
    expect(names).toEqual(expect.arrayContaining(['router', 'identity', 'order-worker', 'storefront']));
    expect(names).not.toContain('payment-provider');
    for (const deployment of deployments) {
      const model = new Deployment(deployment as never);
      const container = model.spec?.template.spec?.containers[0];
      expect(container?.readinessProbe?.httpGet?.path, deployment.metadata.name).toBe('/ready');
      expect(container?.securityContext?.readOnlyRootFilesystem).toBe(true);
      for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
        expect(
          committed.some((manifest) => manifest.kind === kind && manifest.metadata.name === deployment.metadata.name),
          `${kind} for ${deployment.metadata.name}`,
        ).toBe(true);
      }
      // Secrets are read from Secrets by name; no variable of the manifests carries one.
      const values = (container?.env ?? []).map((variable) => `${variable.name}=${variable.value ?? ''}`);
      expect(values.filter((entry) => /KEY|SECRET|PASSWORD|DATABASE_URL/.test(entry))).toEqual([]);
    }
  });

  it("name in its header every variable a process's Secret must hold", async () => {
    const header = (await kubernetes.renderManifests()).split('---')[0] ?? '';
    expect(header).toMatch(/emporium-router: ROUTER_PRIVATE_KEY/);
    expect(header).toMatch(/emporium-identity: DATABASE_URL, IDENTITY_KEY_ENCRYPTION_KEY/);
  });
});
