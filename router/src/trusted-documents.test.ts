import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrustedDocumentCache, loadTrustedDocuments } from './trusted-documents.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const manifest = (entries: Record<string, string>): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'trusted-')), 'persisted-documents.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
};

const ME = 'query Me { me { id } }';

describe('trusted documents', () => {
  it('loads a manifest whose hashes match their documents, with or without the algorithm prefix', () => {
    expect(loadTrustedDocuments(manifest({ [sha256(ME)]: ME }))).toEqual(new Map([[sha256(ME), ME]]));
    expect(loadTrustedDocuments(manifest({ [`sha256:${sha256(ME)}`]: ME }))).toEqual(new Map([[sha256(ME), ME]]));
  });

  it("loads the storefront's own manifest", () => {
    const path = join(import.meta.dirname, '..', '..', 'storefront', 'src', 'generated', 'persisted-documents.json');
    expect(loadTrustedDocuments(path).size).toBeGreaterThan(10);
  });

  it('refuses a manifest with a hash that is not its document’s', () => {
    expect(() => loadTrustedDocuments(manifest({ [sha256(ME)]: '{ me { email } }' }))).toThrow(/not the SHA-256/);
    expect(() => loadTrustedDocuments(manifest({ [sha256(ME)]: 42 } as unknown as Record<string, string>))).toThrow();
  });

  it('serves registered documents by hash, and keeps what APQ registers only when not restricted', async () => {
    const trusted = new Map([[sha256(ME), ME]]);
    const open = new TrustedDocumentCache(trusted, false);
    expect(await open.get(`apq:${sha256(ME)}`)).toBe(ME);
    await open.set('apq:abc', '{ me { id } }');
    expect(await open.get('apq:abc')).toBe('{ me { id } }');

    const only = new TrustedDocumentCache(trusted, true);
    await only.set('apq:abc', '{ me { id } }');
    expect(await only.get('apq:abc')).toBeUndefined();
    expect(await only.get(`apq:${sha256(ME)}`)).toBe(ME);
  });
});
