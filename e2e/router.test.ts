import { describe, expect, it } from 'vitest';
import { ROUTER_PORT } from '../infra/src/services.ts';
import { ROUTER_URL, contractOperation } from './client.ts';

const STOREFRONT = 'http://127.0.0.1:3000';

const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(ROUTER_URL, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

interface ErrorBody {
  errors?: { extensions?: { code?: string; requestId?: string } }[];
}

describe('router', () => {
  it('answers its health check on the public port', async () => {
    const response = await fetch(`http://127.0.0.1:${ROUTER_PORT}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('request ids', () => {
  it('names every response, and every error carries the same id', async () => {
    const answers = await Promise.all([
      post(JSON.stringify({ query: contractOperation('Me') })),
      post(JSON.stringify({ query: '{ nope }' })),
      post('{ not json'),
      fetch(`http://127.0.0.1:${ROUTER_PORT}/nowhere`),
    ]);
    const ids = answers.map((response) => response.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[\w-]{8,64}$/);
    expect(new Set(ids).size).toBe(ids.length);

    for (const response of answers.slice(1, 3)) {
      const body = (await response.json()) as ErrorBody;
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors ?? []) {
        expect(error.extensions?.requestId).toBe(response.headers.get('x-request-id'));
      }
    }
  });

  it("keeps a client's well-formed id and replaces a malformed one", async () => {
    const kept = await post(JSON.stringify({ query: '{ nope }' }), { 'x-request-id': 'client-chosen-id-42' });
    expect(kept.headers.get('x-request-id')).toBe('client-chosen-id-42');
    expect(((await kept.json()) as ErrorBody).errors?.[0]?.extensions?.requestId).toBe('client-chosen-id-42');

    const replaced = await post(JSON.stringify({ query: contractOperation('Me') }), {
      'x-request-id': 'bad id\twith "quotes"',
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('CORS', () => {
  it("answers the storefront's preflight and lets it read the request id", async () => {
    const preflight = await fetch(ROUTER_URL, {
      method: 'OPTIONS',
      headers: {
        origin: STOREFRONT,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    // Tokens travel in a header, never in cookies: no origin is ever given credentials.
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const actual = await post(JSON.stringify({ query: contractOperation('Me') }), { origin: STOREFRONT });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    expect(actual.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(actual.headers.get('vary')?.toLowerCase()).toContain('origin');
  });

  it('gives any other origin no allow headers, so the browser refuses it', async () => {
    const preflight = await fetch(ROUTER_URL, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect([...preflight.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);

    const actual = await post(JSON.stringify({ query: contractOperation('Me') }), { origin: 'https://evil.example' });
    expect([...actual.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
