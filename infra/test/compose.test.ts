import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../src/config.ts';
import { SERVICES } from '../src/services.ts';

/** The file has no default secrets: render it with a fresh set, as a deployment would. */
const envFile = join(mkdtempSync(join(tmpdir(), 'emporium-compose-')), '.env');
writeFileSync(
  envFile,
  execFileSync(process.execPath, [join(repoRoot, 'infra/src/secrets-cli.ts')], { encoding: 'utf8' }),
);

/** There is no Docker engine here, so Debian's docker-compose validates the file instead. */
const compose = (...args: string[]): string =>
  execFileSync('docker-compose', ['-f', join(repoRoot, 'docker-compose.yml'), '--env-file', envFile, ...args], {
    encoding: 'utf8',
  });

interface ComposeService {
  image?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('docker-compose.yml', () => {
  it('is a valid compose file with the engines, provisioning and every platform service', () => {
    const services = compose('config', '--services').trim().split('\n').sort();
    expect(services).toEqual(
      [
        ...['connect', 'elasticsearch', 'grafana', 'kafka', 'postgres', 'prometheus', 'provision', 'redis', 'zipkin'],
        'balancer',
        ...SERVICES.map((service) => service.name),
      ].sort(),
    );
  });

  it('starts each service only after what it needs is healthy, and health-checks every long-running one', () => {
    const resolved = parse(compose('config')) as { services: Record<string, ComposeService> };
    for (const [name, service] of Object.entries(resolved.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const expected = dependency === 'provision' ? 'service_completed_successfully' : 'service_healthy';
        expect(`${name} -> ${dependency}: ${condition}`).toBe(`${name} -> ${dependency}: ${expected}`);
      }
      if (name !== 'provision') expect(service.healthcheck, `${name} has a healthcheck`).toBeDefined();
    }
    expect(resolved.services['postgres']?.image).toMatch(/^postgres:/);
    expect(JSON.stringify(resolved.services['postgres'])).toContain('wal_level=logical');
  });

  it('has Prometheus scrape every process that serves metrics, by its compose name and metrics port', () => {
    interface ScrapeConfig {
      static_configs?: { targets: string[]; labels: { process: string } }[];
      /** Every replica of a scaled service, by Docker's DNS. */
      dns_sd_configs?: { names: string[]; port: number }[];
    }
    const prometheus = parse(readFileSync(join(repoRoot, 'infra/compose/prometheus.yml'), 'utf8')) as {
      scrape_configs: ScrapeConfig[];
    };
    const scraped = prometheus.scrape_configs
      .flatMap((config) => [
        ...(config.static_configs ?? []).map((target) => `${target.labels.process} ${target.targets.join(',')}`),
        ...(config.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name} ${name}:${sd.port}`)),
      ])
      .sort();
    const expected = [
      ...SERVICES.filter((service) => service.metricsPort !== undefined).map(
        (service) => `${service.name} ${service.name}:${service.metricsPort}`,
      ),
      'balancer balancer:8405',
    ].sort();
    expect(scraped).toEqual(expected);
  });

  it('puts HAProxy on the public :4000 in front of the routers, which publish nothing and trust it alone', () => {
    interface Networked extends ComposeService {
      ports?: { published: string | number; target: number }[];
      networks?: Record<string, { ipv4_address?: string } | null>;
      environment?: Record<string, string>;
    }
    const resolved = parse(compose('config')) as { services: Record<string, Networked> };
    const balancer = resolved.services['balancer'];
    const router = resolved.services['router'];
    expect(balancer?.image).toMatch(/^haproxy:/);
    expect(balancer?.ports?.map((port) => `${port.published}:${port.target}`)).toEqual(['4000:4000']);
    // Published ports would stop `--scale router=2`: the second replica could not bind them.
    expect(router?.ports ?? []).toEqual([]);
    expect(router?.environment?.['TRUSTED_PROXIES']).toBe(balancer?.networks?.['backend']?.ipv4_address);
    const haproxy = readFileSync(join(repoRoot, 'infra/compose/haproxy.cfg'), 'utf8');
    expect(haproxy).toMatch(/server-template router- \S+ router:4000 check resolvers docker/);
    expect(haproxy).toContain('option forwardfor');
    expect(haproxy).toContain('timeout tunnel');
  });

  it('has a HAProxy configuration that HAProxy itself accepts', () => {
    // Debian's haproxy, the same major version as the image.
    execFileSync('/usr/sbin/haproxy', ['-c', '-q', '-f', join(repoRoot, 'infra/compose/haproxy.cfg')]);
  });
});
