import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorefrontServer, type StorefrontServer } from './server.ts';

/** A stand-in build: the page with its placeholder and one hashed asset. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storefront-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<html><head><meta name="emporium-graphql-url" content="" /></head><body><script src="/assets/app-abc123.js"></script></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("app")');
  writeFileSync(join(dir, 'persisted-documents.json'), '{}');
  return dir;
}

describe('storefront server', () => {
  let dir: string;
  let server: StorefrontServer;

  beforeAll(async () => {
    dir = fakeBuild();
    server = createStorefrontServer({
      distDir: dir,
      graphqlUrl: 'https://api.example.com/graphql',
      connectOrigins: ['https://pay.example.com'],
    });
    await server.listen(0);
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with the configured API endpoint, revalidated, for every client-side route', async () => {
    for (const path of ['/', '/products/123', '/orders/abc']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain(
        '<meta name="emporium-graphql-url" content="https://api.example.com/graphql" />',
      );
    }
  });

  it('caches hashed assets for good and answers a missing file with 404, not the page', async () => {
    const asset = await fetch(`${server.url}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${server.url}/assets/missing-000.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/favicon.ico`)).status).toBe(404);
  });

  it('lets the page run only its own scripts and talk only to the API and the payment provider', async () => {
    const csp = (await fetch(server.url)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' https://api.example.com wss://api.example.com https://pay.example.com");
  });

  it('refuses writes and answers /health', async () => {
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
  });
});
