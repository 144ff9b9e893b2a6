/**
 * Production mode (NODE_ENV=production, what the image and docker compose run): every
 * process refuses to start, naming the variable, when a secret is missing, short, or one
 * this repository publishes; the seeds write no demo data; and docker compose publishes only
 * the public endpoints, with the engines on an internal network and no default secret.
 * None of this needs the running stack except the seed check, which only migrates.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateAssertionKeyPair } from '@emporium/auth';
import { serviceRoleUrl } from '@emporium/config';
import { stackEndpoints } from '@emporium/testing';
import { repoRoot } from '../infra/src/config.ts';

interface Outcome {
  code: number | null;
  output: string;
}

/** Starts an entry point with only `env` (and PATH), in production, and waits for it to give up. */
function start(entry: string, env: Record<string, string>, timeoutMs = 20_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const STRONG_DB = `postgres://emporium_x:${'a'.repeat(8)}${'B'.repeat(8)}${'9'.repeat(8)}@127.0.0.1:1/postgres`;
const router = generateAssertionKeyPair();
const orderService = generateAssertionKeyPair();

/** Each entry point and the variables it must refuse to start without. */
const REQUIRED: Record<string, readonly string[]> = {
  'router/src/index.ts': ['ROUTER_PRIVATE_KEY'],
  'subgraphs/identity/src/index.ts': ['ROUTER_PUBLIC_KEY', 'DATABASE_URL', 'IDENTITY_KEY_ENCRYPTION_KEY'],
  'subgraphs/product/src/index.ts': ['ROUTER_PUBLIC_KEY', 'DATABASE_URL'],
  'subgraphs/search/src/index.ts': ['ROUTER_PUBLIC_KEY'],
  'subgraphs/cart/src/index.ts': ['ROUTER_PUBLIC_KEY', 'ORDER_SERVICE_PUBLIC_KEY', 'DATABASE_URL'],
  'subgraphs/cart/src/worker.ts': ['DATABASE_URL'],
  'subgraphs/order/src/index.ts': ['ROUTER_PUBLIC_KEY', 'ORDER_SERVICE_PRIVATE_KEY', 'DATABASE_URL'],
  'subgraphs/order/src/worker.ts': ['DATABASE_URL'],
  'subgraphs/payment/src/index.ts': [
    'ROUTER_PUBLIC_KEY',
    'DATABASE_URL',
    'PAYMENT_PROVIDER_PUBLISHABLE_KEY',
    'PAYMENT_PROVIDER_SECRET_KEY',
    'PAYMENT_PROVIDER_WEBHOOK_SECRET',
  ],
  'subgraphs/payment/src/worker.ts': [
    'DATABASE_URL',
    'PAYMENT_PROVIDER_PUBLISHABLE_KEY',
    'PAYMENT_PROVIDER_SECRET_KEY',
    'PAYMENT_PROVIDER_WEBHOOK_SECRET',
  ],
  'payment-provider/src/index.ts': [
    'PAYMENT_PROVIDER_PUBLISHABLE_KEY',
    'PAYMENT_PROVIDER_SECRET_KEY',
    'PAYMENT_PROVIDER_WEBHOOK_SECRET',
  ],
};

describe('production mode refuses to start', () => {
  for (const [entry, variables] of Object.entries(REQUIRED)) {
    it(`${entry} without ${variables.join(', ')}`, async () => {
      const { code, output } = await start(entry, {});
      expect(code).not.toBe(0);
      for (const variable of variables) expect(output).toContain(variable);
    });
  }

  it('with secrets published in the repository, naming each', async () => {
    const { code, output } = await start('subgraphs/payment/src/index.ts', {
      ROUTER_PUBLIC_KEY: router.publicKey,
      DATABASE_URL: 'postgres://emporium:emporium@127.0.0.1:1/postgres',
      PAYMENT_PROVIDER_PUBLISHABLE_KEY: 'pk_test_emporium_local',
      PAYMENT_PROVIDER_SECRET_KEY: 'sk_test_emporium_local',
      PAYMENT_PROVIDER_WEBHOOK_SECRET: 'whsec_emporium_local',
    });
    expect(code).not.toBe(0);
    for (const variable of [
      "DATABASE_URL's password",
      'PAYMENT_PROVIDER_PUBLISHABLE_KEY',
      'PAYMENT_PROVIDER_SECRET_KEY',
      'PAYMENT_PROVIDER_WEBHOOK_SECRET',
    ]) {
      expect(output).toContain(`${variable} is a value published in the repository`);
    }
  });

  it('with secrets too short, or keys of the wrong kind', async () => {
    const payment = await start('subgraphs/payment/src/index.ts', {
      ROUTER_PUBLIC_KEY: router.publicKey,
      DATABASE_URL: 'postgres://emporium_payment:hunter2@127.0.0.1:1/postgres',
      PAYMENT_PROVIDER_PUBLISHABLE_KEY: 'pk_live_abcdefghijklmnop',
      PAYMENT_PROVIDER_SECRET_KEY: 'sk_live_short',
      PAYMENT_PROVIDER_WEBHOOK_SECRET: 'whsec_short',
    });
    expect(payment.code).not.toBe(0);
    expect(payment.output).toContain("DATABASE_URL's password must be at least 16 characters");
    expect(payment.output).toContain('PAYMENT_PROVIDER_SECRET_KEY must be at least 32 characters');
    expect(payment.output).toContain('PAYMENT_PROVIDER_WEBHOOK_SECRET must be at least 32 characters');
    expect(payment.output).not.toContain('PAYMENT_PROVIDER_PUBLISHABLE_KEY');

    // A subgraph handed the router's private key instead of its public one: it must never hold it.
    const product = await start('subgraphs/product/src/index.ts', {
      ROUTER_PUBLIC_KEY: `-----BEGIN PRIVATE KEY-----\\n${router.privateKey}\\n-----END PRIVATE KEY-----`,
      DATABASE_URL: STRONG_DB,
    });
    expect(product.code).not.toBe(0);
    expect(product.output).toContain('ROUTER_PUBLIC_KEY holds a private key');

    const routerWithPublicKey = await start('router/src/index.ts', { ROUTER_PRIVATE_KEY: router.publicKey });
    expect(routerWithPublicKey.code).not.toBe(0);
    expect(routerWithPublicKey.output).toContain('ROUTER_PRIVATE_KEY must hold an Ed25519 private key');
  });

  it('passes configuration with real secrets (and then fails only on the unreachable database)', async () => {
    const { code, output } = await start('subgraphs/order/src/worker.ts', { DATABASE_URL: STRONG_DB });
    expect(code).not.toBe(0);
    expect(output).not.toMatch(/invalid configuration/);
    const order = await start('subgraphs/order/src/index.ts', {
      DATABASE_URL: STRONG_DB,
      ROUTER_PUBLIC_KEY: router.publicKey,
      ORDER_SERVICE_PRIVATE_KEY: orderService.privateKey,
    });
    expect(order.output).not.toMatch(/invalid configuration/);
  });
});

describe('production seeding', () => {
  it('migrates but seeds no demo account, reviewer or catalogue unless SEED_DEMO_DATA says so', async () => {
    // The identity role on the running stack (trust on loopback ignores the password, which
    // production insists on). The demo admin is already there in this development stack,
    // so what tells is what the seed set out to write: no reviewers, no demo accounts.
    const url = serviceRoleUrl(stackEndpoints().postgres.url, 'identity', `${'x'.repeat(20)}-seed-test`);
    const { code, output } = await start(
      'subgraphs/identity/src/seed/seed.ts',
      { DATABASE_URL: url, LOG_LEVEL: 'info' },
      60_000,
    );
    expect(code, output).toBe(0);
    expect(output).toMatch(/"demoAccounts":0/);
    expect(output).toMatch(/"reviewersWanted":0/);
  });
});

const COMPOSE_FILE = join(repoRoot, 'docker-compose.yml');

interface ComposeService {
  /** Short syntax (`host:container`), the only one the file uses. */
  ports?: string[];
  networks?: string[] | Record<string, unknown>;
  environment?: Record<string, unknown>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { internal?: boolean } | null>;
}

describe('docker compose', () => {
  const raw = readFileSync(COMPOSE_FILE, 'utf8');
  const compose = parse(raw, { merge: true }) as ComposeFile;
  const networksOf = (service: ComposeService): string[] =>
    Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? { default: null });

  it('publishes only the router’s balancer, the storefront and the payment provider’s public API', () => {
    // Operators' dashboards may be published on the host's loopback; nothing else at all.
    const loopback = (port: string): boolean => port.startsWith('127.0.0.1:');
    const published = Object.fromEntries(
      Object.entries(compose.services)
        .map(([name, service]) => [name, (service.ports ?? []).filter((port) => !loopback(port))] as const)
        .filter(([, ports]) => ports.length > 0),
    );
    // The routers sit behind the balancer (HAProxy), which alone publishes :4000.
    expect(published).toEqual({
      balancer: ['4000:4000'],
      storefront: ['3000:3000'],
      'payment-provider': ['4900:4900'],
    });
    for (const name of ['postgres', 'kafka', 'connect', 'elasticsearch', 'provision']) {
      expect(compose.services[name]?.ports, name).toBeUndefined();
    }
  });

  it('keeps the engines and the services on an internal network, out of reach of the host', () => {
    expect(compose.networks?.['backend']?.internal).toBe(true);
    for (const [name, service] of Object.entries(compose.services)) {
      // What is published needs a network with a way out; nothing else may have one.
      if ((service.ports ?? []).length > 0) continue;
      expect(networksOf(service), name).toEqual(['backend']);
    }
  });

  it('ships no secret: each must be set, and compose stops naming it otherwise', () => {
    // Every interpolation is `${NAME:?...}` (required), except the opt-in for demo data.
    const interpolations = [...raw.matchAll(/\$\{([A-Z_]+)(:?[-?])?[^}]*\}/g)];
    expect(interpolations.length).toBeGreaterThan(10);
    for (const [text, name, operator] of interpolations) {
      if (name === 'SEED_DEMO_DATA') continue;
      expect(operator, text).toBe(':?');
    }
    // No literal secret anywhere: keys, secrets and passwords come from interpolations.
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (/_KEY$|SECRET|PASSWORD|DATABASE_URL/.test(variable))
          expect(String(value), `${name} ${variable}`).toMatch(/\$\{[A-Z_]+:\?/);
      }
    }
    expect(raw).not.toMatch(/whsec_emporium_local|sk_test_emporium_local|local-development-only|:emporium@/);
  });

  it.skipIf(spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0)(
    'is valid, and refuses to render without the secrets',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'emporium-compose-'));
      try {
        const env = spawnSync(process.execPath, [join(repoRoot, 'infra/src/secrets-cli.ts')], { encoding: 'utf8' });
        writeFileSync(join(dir, '.env'), env.stdout);
        writeFileSync(join(dir, 'empty.env'), '');
        const bare = { PATH: process.env['PATH'] ?? '', HOME: dir };
        const without = spawnSync(
          'docker-compose',
          ['-f', COMPOSE_FILE, '--env-file', join(dir, 'empty.env'), 'config', '-q'],
          {
            encoding: 'utf8',
            env: bare,
          },
        );
        expect(without.status).not.toBe(0);
        expect(`${without.stderr}${without.stdout}`).toMatch(/set [A-Z_]+/);
        const valid = spawnSync(
          'docker-compose',
          ['-f', COMPOSE_FILE, '--env-file', join(dir, '.env'), 'config', '-q'],
          {
            encoding: 'utf8',
            env: bare,
          },
        );
        expect(valid.status, valid.stderr).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
