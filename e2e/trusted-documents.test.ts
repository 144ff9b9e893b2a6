import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../infra/src/config.ts';
import { ROUTER_URL } from './client.ts';
import { startRouter, type ExtraProcess } from './harness.ts';

/** The storefront's build registers its documents here (graphql-codegen's manifest). */
const MANIFEST = join(repoRoot, 'storefront', 'src', 'generated', 'persisted-documents.json');
const PORT = 4098;
const URL = `http://127.0.0.1:${PORT}/graphql`;
let router: ExtraProcess;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
const registered = Object.values(manifest).find((document) => document.includes('query PaymentConfig'));

interface Answer {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A request as Apollo's persisted-query protocol sends it: the hash, and the text only when given. */
async function send(url: string, query: string | undefined, hash: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(query === undefined ? {} : { query }),
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    }),
  });
  return (await response.json()) as Answer;
}

beforeAll(async () => {
  router = await startRouter(PORT, { TRUSTED_DOCUMENTS: MANIFEST, TRUSTED_DOCUMENTS_ONLY: 'true' });
});

afterAll(() => {
  router.child.kill('SIGTERM');
});

describe('trusted documents', () => {
  it('runs a registered document by its hash alone, or as its text', async () => {
    if (!registered) throw new Error('the storefront registers no PaymentConfig document');
    const byHash = await send(URL, undefined, sha256(registered));
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data?.['paymentConfig']).toBeTruthy();
    const response = await fetch(URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: registered }),
    });
    expect(((await response.json()) as Answer).errors).toBeUndefined();
  });

  it('refuses any other document, and refuses to register one, with PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const query = '{ paymentConfig { provider } }';
    const adHoc = await fetch(URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(adHoc.status).toBe(400);
    const answer = (await adHoc.json()) as Answer;
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(answer.data).toBeUndefined();

    // An APQ registration (hash and text) does not make it trusted: the next hash-only call still fails.
    expect((await send(URL, query, sha256(query))).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect((await send(URL, undefined, sha256(query))).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('lets a development router register new documents by APQ', async () => {
    const query = `{ paymentConfig { provider publishableKey } }`;
    expect((await send(ROUTER_URL, undefined, sha256(query))).errors?.[0]?.extensions?.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    expect((await send(ROUTER_URL, query, sha256(query))).errors).toBeUndefined();
    expect((await send(ROUTER_URL, undefined, sha256(query))).data?.['paymentConfig']).toBeTruthy();
  });
});
